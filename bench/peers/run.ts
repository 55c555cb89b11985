/**
 * This package (its source, `../../lib`) against raw `pg` and the other TypeScript ORMs and
 * query builders, on the workloads and data of `npm run bench` (bench/workloads/), in the
 * schema `bench_peers`. See README.md here for the commands.
 *
 * Settings (environment): those of `npm run bench` (DATABASE_URL, BENCH_ROUNDS, BENCH_SCALE,
 * BENCH_ONLY, BENCH_POOL, BENCH_VERBOSE, KEEP_SCHEMA), and PEERS (names, comma-separated:
 * kysely, drizzle, prisma, typeorm, mikro-orm, sequelize; all by default).
 */
import './statement-counter';
import { compareWithRawPg } from '../workloads/compare-with-raw-pg';
import type { Implementation } from '../workloads/workloads';
import { drizzle } from './drizzle';
import { kysely } from './kysely';
import { mikroOrm } from './mikro-orm';
import { prisma } from './prisma';
import { sequelize } from './sequelize';
import { typeorm } from './typeorm';

const schema = 'bench_peers';

type Start = (
  url: string,
  poolSize: number,
  schema: string,
) => Implementation | Promise<Implementation>;

const peers: Record<string, Start> = {
  kysely,
  drizzle,
  prisma,
  typeorm,
  'mikro-orm': mikroOrm,
  sequelize,
};

async function main(): Promise<void> {
  const chosen = process.env.PEERS?.split(',').map((name) => name.trim()) ?? Object.keys(peers);
  const unknown = chosen.filter((name) => !(name in peers));
  if (unknown.length)
    throw new Error(
      `PEERS: unknown ${unknown.join(', ')}; peers are ${Object.keys(peers).join(', ')}`,
    );
  await compareWithRawPg(schema, async function* (url, settings) {
    for (const name of chosen) yield await peers[name]!(url, settings.poolSize, schema);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

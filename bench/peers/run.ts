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
import { Client } from 'pg';
import { activeRecord } from '../workloads/active-record';
import { dropDataSet, removeInsertedPosts, seedDataSet, urlForSchema } from '../workloads/data-set';
import { rawPg } from '../workloads/raw-pg';
import { formatReport } from '../workloads/report';
import { runWorkloads } from '../workloads/runner';
import { selectedWorkloads, settingsFromEnv } from '../workloads/settings';
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
  const settings = settingsFromEnv();
  const chosen = process.env.PEERS?.split(',').map((name) => name.trim()) ?? Object.keys(peers);
  const unknown = chosen.filter((name) => !(name in peers));
  if (unknown.length)
    throw new Error(
      `PEERS: unknown ${unknown.join(', ')}; peers are ${Object.keys(peers).join(', ')}`,
    );
  await seedDataSet(settings.url, schema);
  const url = urlForSchema(settings.url, schema);
  const cleaner = new Client({ connectionString: url });
  await cleaner.connect();
  const implementations: Implementation[] = [
    rawPg(url, settings.poolSize),
    await activeRecord(url, settings.poolSize),
  ];
  try {
    for (const name of chosen)
      implementations.push(await peers[name]!(url, settings.poolSize, schema));
    console.log(settings.describe());
    const measurements = await runWorkloads(implementations, selectedWorkloads(settings), {
      rounds: settings.rounds,
      scale: settings.scale,
      slices: settings.slices,
      removeInserted: () => removeInsertedPosts(cleaner),
      progress: settings.verbose ? (line) => console.log(line) : undefined,
    });
    console.log(formatReport(measurements));
  } finally {
    for (const implementation of implementations) await implementation.close();
    await cleaner.end();
    if (!process.env.KEEP_SCHEMA) await dropDataSet(settings.url, schema);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

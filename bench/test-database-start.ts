/**
 * How long a test file waits for a migrated embedded database, by the ways PGlite offers:
 * initdb and migrating every time (what a test file did before snapshots), copying a migrated
 * instance in the same process (what PGlite's clone() does: dump and load), and loading a kept snapshot of the migrated data directory (what
 * `connectMigrated` and `OrmModule.forRoot({ migrations: { run: true } })` do after the first
 * start). Uses the sample app's migrations. Each way runs ROUNDS times (default 5), rotated;
 * medians and ranges in ms.
 *
 *   node --conditions=source -r ./sample-app/register-typescript.cjs bench/test-database-start.ts
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMigrated, Migrator, Orm, PgliteDriver, PgliteSnapshotCache, sql } from '../lib';

const directory = join(__dirname, '../sample-app/migrations');
const rounds = Number(process.env.ROUNDS ?? 5);

async function timed(fn: () => Promise<() => Promise<void>>): Promise<number> {
  const started = performance.now();
  const close = await fn();
  const took = performance.now() - started;
  await close();
  return took;
}

/** A first query proves the database answers and the schema is there. */
async function ready(orm: Orm): Promise<() => Promise<void>> {
  await orm.query(sql`select count(*) from schema_migrations`);
  return () => orm.close();
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-snapshots-'));
  const cache = new PgliteSnapshotCache(folder);
  // Warm-up: the fresh-cluster and migrated snapshots exist, as after a suite's first file.
  await (await connectMigrated({ models: [] }, { directory, snapshotCache: cache })).orm.close();
  const template = await connectMigrated({ models: [] }, { directory, snapshotCache: false });

  const ways: Record<string, () => Promise<() => Promise<void>>> = {
    'initdb + migrate (no snapshots)': async () => {
      const orm = await Orm.connect({
        driver: new PgliteDriver({ snapshotCache: false }),
        models: [],
      });
      await new Migrator(orm, { directory }).migrate();
      return ready(orm);
    },
    'fresh-cluster snapshot + migrate': async () => {
      const { orm } = await connectMigrated({ models: [] }, { directory, snapshotCache: false });
      return ready(orm);
    },
    'copy of a migrated instance (dump + load)': async () => {
      const copy = await (
        template.orm.driver as unknown as { snapshot(): Promise<Blob> }
      ).snapshot();
      const orm = await Orm.connect({ driver: new PgliteDriver({ snapshot: copy }), models: [] });
      return ready(orm);
    },
    'migrated snapshot from disk (connectMigrated)': async () => {
      const { orm, fromSnapshot } = await connectMigrated(
        { models: [] },
        { directory, snapshotCache: cache },
      );
      if (!fromSnapshot) throw new Error('expected a snapshot');
      return ready(orm);
    },
  };
  const times = new Map<string, number[]>(Object.keys(ways).map((k) => [k, []]));
  const names = Object.keys(ways);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      times.get(name)!.push(await timed(ways[name]!));
    }
  }
  for (const [name, list] of times) {
    const sorted = [...list].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `${name.padEnd(48)} median ${median.toFixed(0).padStart(5)} ms  range ${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)} ms`,
    );
  }
  await template.orm.close();
  rmSync(folder, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * This package against hand-written `pg` code doing the same work, in one process, on one
 * server, on 1,000 users, 10,000 posts and 50,000 comments (in the schema `bench_orm`). Each
 * cell is the median ratio of its time to raw `pg`'s in the same round, with the range over
 * rounds, and the statements per operation. Every read is checked against raw `pg`'s result.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *
 * Settings (environment): BENCH_ROUNDS (5 measured, after a warm-up round), BENCH_SLICES (10
 * turns per round), BENCH_SCALE (1: multiplies each workload's operations), BENCH_ONLY
 * (workload names, comma-separated), KEEP_SCHEMA=1 keeps the data afterwards. The other ORMs: bench/peers/README.md.
 */
import { Client } from 'pg';
import { activeRecord } from './workloads/active-record';
import { dropDataSet, removeInsertedPosts, seedDataSet, urlForSchema } from './workloads/data-set';
import { rawPg } from './workloads/raw-pg';
import { formatReport } from './workloads/report';
import { runWorkloads } from './workloads/runner';
import { selectedWorkloads, settingsFromEnv } from './workloads/settings';

const schema = 'bench_orm';

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  await seedDataSet(settings.url, schema);
  const url = urlForSchema(settings.url, schema);
  const cleaner = new Client({ connectionString: url });
  await cleaner.connect();
  const implementations = [
    rawPg(url, settings.poolSize),
    await activeRecord(url, settings.poolSize),
  ];
  try {
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

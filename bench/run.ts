/**
 * This package against hand-written `pg` code doing the same work, in one process, on one
 * server, on 1,000 users, 10,000 posts and 50,000 comments (in the schema `bench_orm`). Each
 * cell is the median ratio of its time to raw `pg`'s in the same round, with the range over
 * rounds, and the statements per operation. Every read is checked against raw `pg`'s result.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *
 * Settings (environment): BENCH_ROUNDS (5 measured), BENCH_WARM_UP_S (5: each implementation's
 * own warm-up on each workload, in seconds of its time), BENCH_SLICES (10 turns per round),
 * BENCH_SCALE (1: multiplies each workload's operations), BENCH_ONLY (workload names,
 * comma-separated), KEEP_SCHEMA=1 keeps the data afterwards. The other ORMs:
 * bench/peers/README.md.
 *
 * It runs compiled, on plain Node (`bench/tsconfig.build.json` says why); after one
 * `npm run bench`, another Node runs the same build: `path/to/node bench/dist/bench/run.js`.
 */
import { compareWithRawPg } from './workloads/compare-with-raw-pg';

compareWithRawPg('bench_orm').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

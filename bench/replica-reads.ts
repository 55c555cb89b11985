/**
 * Read replicas with exact read-your-writes: what the routing costs per read, and what share of
 * reads a replica serves under mixed read/write load with no stale read in a context.
 *
 * It starts a primary and a streaming replica of its own (`pg_basebackup -R`), as the fault
 * tests do (root and initdb needed), or uses PRIMARY_URL and REPLICA_URL. Run from the
 * repository root:
 *
 *   npx ts-node --transpile-only bench/replica-reads.ts
 *
 * Settings (environment): READS (5000 per latency case), DURATION_S (10, the mixed load),
 * CONTEXTS (32 concurrent request contexts), WRITE_SHARE (0.2 of operations are writes).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Column, Model, Orm, PrimaryKey, runInContext, sql, Table } from '../lib';
import type { Cluster } from '../test/faults/support/cluster';
import type { ReplicaCluster } from '../test/faults/support/replica-cluster';

const reads = Number(process.env.READS ?? 5000);
const durationSeconds = Number(process.env.DURATION_S ?? 10);
const contexts = Number(process.env.CONTEXTS ?? 32);
const writeShare = Number(process.env.WRITE_SHARE ?? 0.2);
const ROWS = 1000;

@Table('bench_replica_rows')
class Counter extends Model {
  @PrimaryKey() id!: number;
  @Column() value!: number;
}

/** The fault suite's cluster helpers, loaded after a stand-in for Jest's `describe`. */
function clusterSupport(): {
  cluster: typeof import('../test/faults/support/cluster');
  replica: typeof import('../test/faults/support/replica-cluster');
} {
  const globals = globalThis as { describe?: unknown };
  globals.describe ??= Object.assign(() => undefined, { skip: () => undefined });
  return {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cluster: require('../test/faults/support/cluster'),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    replica: require('../test/faults/support/replica-cluster'),
  };
}

let primary: Cluster | undefined;
let replica: ReplicaCluster | undefined;

async function servers(): Promise<{ primaryUrl: string; replicaUrl: string }> {
  if (process.env.PRIMARY_URL && process.env.REPLICA_URL) {
    return { primaryUrl: process.env.PRIMARY_URL, replicaUrl: process.env.REPLICA_URL };
  }
  const support = clusterSupport();
  const unavailable = support.cluster.faultSuiteUnavailable();
  if (unavailable) throw new Error(`Cannot start a primary and a replica: ${unavailable}`);
  primary = await support.cluster.Cluster.start();
  replica = await support.replica.ReplicaCluster.startFrom(primary);
  return { primaryUrl: primary.url, replicaUrl: replica.url };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  return `median ${ms(percentile(sorted, 0.5))}, p99 ${ms(percentile(sorted, 0.99))}`;
}

const randomId = () => 1 + Math.floor(Math.random() * ROWS);

/** The value of a row, always from the database (a find in a context may answer from its identity map). */
async function valueOf(id: number): Promise<number> {
  const [value] = await Counter.where({ id }).pluck('value');
  return value as number;
}

const isRead = (text: string) => text.startsWith('SELECT') && !text.includes('pg_current_wal_lsn');

/** Latency of one read by key at a time; `before` runs (untimed) ahead of each read. */
async function timeReads(before?: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < reads; i++) {
    await before?.(i);
    const started = performance.now();
    await valueOf(randomId());
    samples.push(performance.now() - started);
  }
  return samples;
}

async function latencies(primaryUrl: string, replicaUrl: string): Promise<void> {
  const targets: string[] = [];
  const common = { models: [Counter], nPlusOne: false as const };
  const warm = () => timeReads().then(() => undefined);

  let orm = await Orm.connect({ ...common, url: replicaUrl });
  await warm();
  console.log(`  no replicas configured, url = the replica:    ${summary(await timeReads())}`);
  await orm.close();

  orm = await Orm.connect({ ...common, url: primaryUrl });
  await warm();
  console.log(`  no replicas configured, url = the primary:    ${summary(await timeReads())}`);
  const afterWriteOnPrimary = await runInContext(() =>
    timeReads(async (i) => {
      await Counter.where({ id: (i % ROWS) + 1 }).updateAll({ value: i });
    }),
  );
  console.log(`    … each read right after a write:           ${summary(afterWriteOnPrimary)}`);
  await orm.close();

  orm = await Orm.connect({
    ...common,
    url: primaryUrl,
    replicas: [replicaUrl],
    onQuery: (event) => {
      if (isRead(event.text)) targets.push(event.target);
    },
  });
  await warm();
  console.log(`  replicas, no write in the context:            ${summary(await timeReads())}`);
  const satisfied = await runInContext(async () => {
    await Counter.where({ id: 1 }).updateAll({ value: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await valueOf(1); // the cached replay position now passes the context's write
    return timeReads();
  });
  console.log(`  replicas, context wrote earlier (cache hit):  ${summary(satisfied)}`);
  targets.length = 0;
  const afterWrite = await runInContext(() =>
    timeReads(async (i) => {
      await Counter.where({ id: (i % ROWS) + 1 }).updateAll({ value: i });
    }),
  );
  const onReplica = targets.filter((t) => t === 'replica').length;
  console.log(
    `    … each read right after a write:           ${summary(afterWrite)} ` +
      `(${((100 * onReplica) / targets.length).toFixed(1)}% answered by the replica)`,
  );
  await orm.close();
}

interface MixedResult {
  reads: number;
  onReplica: number;
  writes: number;
  stale: number;
}

/**
 * CONTEXTS request contexts, each looping: a write (an increment of a counter it owns) with
 * WRITE_SHARE probability, else a read of its own counter (must show its last write) or of a
 * random row. With `ownContext` false, each read runs in a fresh context, without the position
 * of the write before it: what reading from a replica without read-your-writes gives.
 */
async function mixed(orm: Orm, ownContext: boolean): Promise<MixedResult> {
  const result: MixedResult = { reads: 0, onReplica: 0, writes: 0, stale: 0 };
  const stop = orm.onQuery((event) => {
    if (!isRead(event.text)) return;
    result.reads++;
    if (event.target === 'replica') result.onReplica++;
  });
  const deadline = Date.now() + durationSeconds * 1000;
  const worker = (index: number) =>
    runInContext(async () => {
      const own = index + 1;
      let written = await valueOf(own);
      while (Date.now() < deadline) {
        if (Math.random() < writeShare) {
          written++;
          await Counter.where({ id: own }).updateAll({ value: written });
          result.writes++;
        } else if (Math.random() < 0.5) {
          const read = ownContext ? await valueOf(own) : await runInContext(() => valueOf(own));
          if (read !== written) result.stale++;
        } else {
          await valueOf(randomId());
        }
      }
    });
  await Promise.all(Array.from({ length: contexts }, (_, i) => worker(i)));
  stop();
  return result;
}

function mixedLine(result: MixedResult): string {
  const share = ((100 * result.onReplica) / result.reads).toFixed(1);
  const perSecond = Math.round((result.reads + result.writes) / durationSeconds);
  return (
    `${result.reads} reads (${share}% on the replica), ${result.writes} writes, ` +
    `${perSecond} operations/s, ${result.stale} stale reads of a context's own write`
  );
}

async function main(): Promise<void> {
  const { primaryUrl, replicaUrl } = await servers();
  const setup = await Orm.connect({ url: primaryUrl, models: [], nPlusOne: false });
  await setup.query(sql`drop table if exists bench_replica_rows`);
  await setup.query(
    sql`create table bench_replica_rows (id serial primary key, value int not null)`,
  );
  await setup.query(
    sql`insert into bench_replica_rows (value) select 0 from generate_series(1, ${ROWS}::int)`,
  );
  await setup.close();
  // The replica has the table before anything reads it there.
  await new Promise((resolve) => setTimeout(resolve, 500));

  console.log(`Latency of a read by key (pluck), ${reads} reads one at a time per case:`);
  await latencies(primaryUrl, replicaUrl);

  console.log(
    `\nMixed load, ${contexts} contexts for ${durationSeconds} s, ` +
      `${Math.round(writeShare * 100)}% writes:`,
  );
  const orm = await Orm.connect({
    url: primaryUrl,
    replicas: [replicaUrl],
    models: [Counter],
    nPlusOne: false,
    pool: { max: 20 },
  });
  console.log(
    `  read-your-writes (reads in the writer's context): ${mixedLine(await mixed(orm, true))}`,
  );
  console.log(
    `  without it (each read in a fresh context):        ${mixedLine(await mixed(orm, false))}`,
  );
  await orm.close();
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await replica?.destroy().catch(() => undefined);
    await primary?.destroy().catch(() => undefined);
  });

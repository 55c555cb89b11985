/**
 * Finds by primary key from many concurrent callers: 5,000 finds, 50 callers each finding 100
 * records one after the other (as 50 requests would). The ORM with its lookups batched (the
 * default: the finds of one tick share a `= ANY($1)` statement), the ORM with
 * `batchFinds: false`, and hand-written `pg`. Also 2,000 sequential finds, where a find is
 * always alone, to show what waiting for the end of the tick costs. Rounds rotate the order;
 * the first round warms up and is not counted. Prints the median time per round and the median
 * ratio to `pg` with its range over rounds.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node --transpile-only bench/concurrent-finds.ts
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { Column, Model, Orm, PrimaryKey, Table, sql } from '../lib';

@Table('bench_find_items')
class BenchItem extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @Column() price!: number;
  @Column() createdAt!: Date;
}

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const poolSize = 10;
const rows = 10_000;

type Find = (id: number) => Promise<unknown>;

/** `callers` concurrent loops, each finding `each` records in turn. */
async function concurrently(find: Find, callers: number, each: number, round: number) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      for (let k = 0; k < each; k++) {
        const id = ((round * 7919 + c * each + k) % rows) + 1;
        const found = (await find(id)) as { id: number } | undefined;
        if (found?.id !== id) throw new Error(`wrong record for ${id}`);
      }
    }),
  );
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const setup = await Orm.connect({ url, models: [BenchItem] });
  await setup.query(sql`drop table if exists bench_find_items`);
  await setup.query(
    sql`create table bench_find_items (id integer primary key, name text not null, price integer not null, created_at timestamptz not null)`,
  );
  await setup.query(
    sql`insert into bench_find_items select i, 'item ' || i, i % 1000, now() from generate_series(1, ${rows}) i`,
  );
  await setup.query(sql`analyze bench_find_items`);
  await setup.close();

  const batched = await Orm.connect({
    url,
    name: 'batched',
    models: [BenchItem],
    pool: { max: poolSize },
  });
  const unbatched = await Orm.connect({
    url,
    name: 'unbatched',
    models: [BenchItem],
    pool: { max: poolSize },
    batchFinds: false,
  });
  const pool = new Pool({ connectionString: url, max: poolSize });
  const variants: Record<string, Find> = {
    pg: async (id) =>
      (await pool.query('SELECT * FROM bench_find_items WHERE id = $1', [id])).rows[0],
    'ORM batched': (id) => batched.repository(BenchItem).find(id),
    'ORM not batched': (id) => unbatched.repository(BenchItem).find(id),
  };
  const workloads = [
    { name: '5,000 finds, 50 concurrent', callers: 50, each: 100 },
    { name: '2,000 finds, sequential', callers: 1, each: 2000 },
  ];
  console.log(
    `PostgreSQL ${url.replace(/\/\/[^@]*@/, '//')}, pools of ${poolSize}, ${rounds} rounds`,
  );
  try {
    for (const workload of workloads) {
      const names = Object.keys(variants);
      const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      for (let round = 0; round <= rounds; round++) {
        const order = names.map((_, i) => names[(i + round) % names.length]!);
        for (const name of order) {
          const ms = await concurrently(variants[name]!, workload.callers, workload.each, round);
          if (round > 0) times[name]!.push(ms);
        }
      }
      console.log(`\n${workload.name}`);
      console.log(
        'variant'.padEnd(18),
        'median ms'.padStart(10),
        '  ratio to pg: median [min–max]',
      );
      for (const name of names) {
        const ratios = times[name]!.map((ms, r) => ms / times.pg![r]!);
        console.log(
          name.padEnd(18),
          median(times[name]!).toFixed(1).padStart(10),
          `  ${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}]`,
        );
      }
    }
  } finally {
    await batched.query(sql`drop table bench_find_items`);
    await pool.end();
    await batched.close();
    await unbatched.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

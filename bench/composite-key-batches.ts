/**
 * How a batch of composite keys is best sent: the shape relation loads use,
 * `ROW(a, b) IN (SELECT * FROM unnest($1::int[], $2::int[]))` (two parameters whatever the
 * number of keys), against a literal row list `ROW(a, b) IN (($1, $2), ($3, $4), …)` (text
 * and parameter count grow with the keys; PostgreSQL takes at most 65,535 parameters).
 * Median milliseconds per statement on a table of 200,000 rows keyed by (tenant_id, id).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node --transpile-only bench/composite-key-batches.ts
 *   npx ts-node --transpile-only bench/composite-key-batches.ts        # PGlite
 */
import 'reflect-metadata';
import { Orm, PgDriver, PgliteDriver, sql } from '../lib';

const sizes = [10, 100, 1_000, 10_000];
const repeats = Number(process.env.BENCH_ROUNDS ?? 15);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const orm = await Orm.connect({
    driver: url ? new PgDriver(url) : new PgliteDriver(),
    models: [],
  });
  const table = sql.id('bench_composite_keys');
  try {
    await orm.query(sql`DROP TABLE IF EXISTS ${table}`);
    await orm.query(
      sql`CREATE TABLE ${table} (tenant_id integer, id integer, body text, PRIMARY KEY (tenant_id, id))`,
    );
    await orm.query(
      sql`INSERT INTO ${table} SELECT t, i, 'row' FROM generate_series(1, 20) t, generate_series(1, 10000) i`,
    );
    await orm.query(sql`ANALYZE ${table}`);
    console.log(`${url ? 'server' : 'PGlite'}: median ms per statement`);
    console.log('keys'.padStart(7), 'unnest arrays'.padStart(14), 'row list'.padStart(10));
    for (const size of sizes) {
      const keys = Array.from({ length: size }, (_, i) => [1 + (i % 20), 1 + ((i * 7) % 10000)]);
      const unnest = sql`SELECT * FROM ${table} WHERE ROW(tenant_id, id) IN (SELECT * FROM unnest(${keys.map((k) => k[0])}::integer[], ${keys.map((k) => k[1])}::integer[]))`;
      const list = sql`SELECT * FROM ${table} WHERE ROW(tenant_id, id) IN (${sql.join(keys.map(([a, b]) => sql`(${a}::integer, ${b}::integer)`))})`;
      const timings = { unnest: [] as number[], list: [] as number[] };
      const failed: Partial<Record<'unnest' | 'list', string>> = {};
      for (let r = 0; r < repeats; r++) {
        for (const [name, statement] of [
          ['unnest', unnest],
          ['list', list],
        ] as const) {
          if (failed[name]) continue;
          const started = performance.now();
          try {
            const rows = await orm.query(statement);
            if (rows.length !== new Set(keys.map((k) => k.join())).size) throw new Error('rows');
          } catch (error) {
            // A long row list can exceed the server's stack depth (54001).
            failed[name] = `fails ${(error as { sqlState?: string }).sqlState ?? ''}`.trim();
          }
          timings[name].push(performance.now() - started);
        }
      }
      const cell = (name: 'unnest' | 'list', width: number) =>
        (failed[name] ?? median(timings[name]).toFixed(2)).padStart(width);
      console.log(String(size).padStart(7), cell('unnest', 14), cell('list', 10));
    }
  } finally {
    await orm.query(sql`DROP TABLE IF EXISTS ${table}`);
    await orm.close();
  }
}

void main();

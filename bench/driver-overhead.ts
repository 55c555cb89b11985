/**
 * The client's cost of one statement, by how it is sent: `pg`'s pool, a checked-out client in
 * `pg`'s promise form and callback form, with and without `pg`'s `query_timeout`, and this
 * package's `PgDriver` (callback form, its own per-connection deadline). One 50-row select
 * at a time, the ways taking turns in blocks (order rotated), a full garbage collection before
 * each block so that no way pays for what another left in the heap; client CPU and wall time
 * per statement.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node --transpile-only bench/driver-overhead.ts
 *
 * `pg` wraps a statement's callback after the statement is made, in its promise form and for
 * `query_timeout`; either way the rows outlive the young generation and the garbage collector's
 * scavenges take several times longer (`node --trace-gc` shows it). BLOCKS (default 12, the
 * first third a warm-up) and STATEMENTS per block (1000) can be set.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool, type PoolClient } from 'pg';
import { PgDriver } from '../lib/driver/pg-driver';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const blocks = Number(process.env.BLOCKS ?? 12);
const statements = Number(process.env.STATEMENTS ?? 1000);
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const text = `SELECT g AS id, g % 50 AS author_id, 'title ' || g AS title, repeat('body ', 20) AS body,
  g % 2 = 0 AS published, g AS views, now() - g * interval '1 minute' AS created_at
  FROM generate_series($1::int, $1::int + 49) AS g`;

type Send = (values: unknown[]) => Promise<unknown>;

function callbackQuery(client: PoolClient, values: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) =>
    client.query(text, values, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

function checkedOut(
  pool: Pool,
  query: (client: PoolClient, values: unknown[]) => Promise<unknown>,
): Send {
  return async (values) => {
    const client = await pool.connect();
    try {
      return await query(client, values);
    } finally {
      client.release();
    }
  };
}

async function main(): Promise<void> {
  const plain = new Pool({ connectionString: url, max: 2 });
  const timed = new Pool({ connectionString: url, max: 2, query_timeout: 65_000 });
  const driver = new PgDriver(url, { max: 2 });
  await driver.connect();
  const ways: Record<string, Send> = {
    'pg pool.query': (values) => plain.query(text, values),
    'pg client, promise form': checkedOut(plain, (client, values) => client.query(text, values)),
    'pg client, callback form': checkedOut(plain, callbackQuery),
    'pg client, callback + query_timeout': checkedOut(timed, callbackQuery),
    'PgDriver (this package)': (values) => driver.query(text, values),
  };
  const names = Object.keys(ways);
  const totals = new Map(names.map((name) => [name, { wallUs: 0, cpuUs: 0, statements: 0 }]));
  for (let block = 0; block < blocks; block++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(turn + block) % names.length]!;
      const send = ways[name]!;
      collectGarbage();
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (let i = 0; i < statements; i++) await send([(block * statements + i) % 10_000]);
      const wallUs = Number(process.hrtime.bigint() - started) / 1_000;
      const used = process.cpuUsage(cpu);
      if (block < blocks / 3) continue;
      const total = totals.get(name)!;
      total.wallUs += wallUs;
      total.cpuUs += used.user + used.system;
      total.statements += statements;
    }
  }
  console.log(
    `${statements} statements a block, ${blocks} blocks (a third as warm-up); ${url.replace(/\/\/[^@]*@/, '//')}`,
  );
  console.log('| sent by | client CPU µs/statement | wall µs/statement |');
  console.log('|---|---|---|');
  for (const [name, total] of totals) {
    const per = (us: number) => (us / total.statements).toFixed(1);
    console.log(`| ${name} | ${per(total.cpuUs)} | ${per(total.wallUs)} |`);
  }
  await Promise.all([plain.end(), timed.end(), driver.close()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import 'reflect-metadata';
import { Client } from 'pg';
import {
  Column,
  ConnectionError,
  InvalidQueryError,
  Model,
  Orm,
  PgDriver,
  PrimaryKey,
  QueryTimeoutError,
  Table,
  sql,
} from '../../lib';
import { PgBouncer, pgbouncerUnavailable } from '../support/pgbouncer';
import { Cluster, faultSuiteUnavailable } from './support/cluster';
import { asAdmin, failureOf, sleep } from './support/fault-helpers';

const unavailable = faultSuiteUnavailable() ?? pgbouncerUnavailable();
const describeThroughPgBouncer = (unavailable ? describe.skip : describe) as jest.Describe;
if (unavailable) console.warn(`The PgBouncer driver tests were NOT run (skipped): ${unavailable}`);

@Table('bouncer_items')
class Item extends Model {
  @PrimaryKey() id!: number;
  @Column() n!: number;
}

/** `current_setting(name)` on whichever server connection PgBouncer picks, outside the ORM. */
async function settingThrough(url: string, name: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: string }>(
      `select current_setting('${name}') as value`,
    );
    return rows[0]!.value;
  } finally {
    await client.end();
  }
}

describeThroughPgBouncer('the driver through PgBouncer in transaction pooling mode', () => {
  let cluster: Cluster;
  let bouncer: PgBouncer;
  let orm: Orm;

  beforeAll(async () => {
    cluster = await Cluster.start();
    await asAdmin(cluster.url, 'create database app');
    // What the server applies when nobody sets it: a setting that leaked from one client onto
    // a pooled server connection would show as another value.
    await asAdmin(cluster.url, "alter database app set statement_timeout = '7s'");
    // Two server connections: every client shares them.
    bouncer = await PgBouncer.start({ host: '127.0.0.1', port: cluster.port }, { poolSize: 2 });
    orm = await Orm.connect({
      url: bouncer.url('app'),
      models: [Item],
      pool: { max: 4, statementTimeoutMs: 400, idleInTransactionTimeoutMs: 400 },
    });
    await orm.query(
      sql.unsafe(
        'create table bouncer_items (id integer generated always as identity primary key, n integer not null)',
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await orm?.close();
    await bouncer?.stop();
    await cluster?.destroy();
  });

  it('creates, reads, updates and deletes records', async () => {
    const item = await Item.create({ n: 1 });
    item.n = 2;
    await item.save();
    expect((await Item.find(item.id)).n).toBe(2);
    await item.destroy();
    expect(await Item.where({ id: item.id }).count()).toBe(0);
  });

  it('transactions commit and roll back; a savepoint rolls back alone', async () => {
    await expect(
      orm.transaction(async () => {
        await Item.create({ n: 10 });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await orm.transaction(async () => {
      await Item.create({ n: 11 });
      await expect(
        orm.transaction({ propagation: 'nested' }, async () => {
          await Item.create({ n: 12 });
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
    });
    expect(await Item.where({ n: [10, 11, 12] }).pluck('n')).toEqual([11]);
  });

  it("the pool's statement bound applies inside a transaction, set there and only there", async () => {
    const error = await failureOf(orm.transaction(() => orm.query(sql`select pg_sleep(2)`)));
    expect(error).toBeInstanceOf(QueryTimeoutError);
    // A transaction's own timeout wins over the pool's.
    await orm.transaction({ timeout: 1_500 }, () => orm.query(sql`select pg_sleep(0.6)`));
    // Nothing reached the server connections the transactions ran on.
    for (let i = 0; i < 4; i++) {
      expect(await settingThrough(bouncer.url('app'), 'statement_timeout')).toBe('7s');
    }
  });

  it("the pool's idle-in-transaction bound ends a transaction left idle", async () => {
    const error = await failureOf(
      orm.transaction(async () => {
        await Item.create({ n: 20 });
        await sleep(1_000);
        await Item.create({ n: 21 });
      }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(await Item.where({ n: [20, 21] }).count()).toBe(0);
  });

  it('streams records through a cursor of its own transaction', async () => {
    await Item.insertAll(Array.from({ length: 250 }, (_, i) => ({ n: 1_000 + i })));
    let seen = 0;
    for await (const item of Item.where({ n: { gte: 1_000 } }).stream({ batchSize: 100 })) {
      expect(item.n).toBeGreaterThanOrEqual(1_000);
      seen++;
    }
    expect(seen).toBe(250);
  });

  it('statements outside a transaction run unset: the server default bounds them', async () => {
    // 7 s from the database's settings, not the pool's 400 ms: the README says so.
    await orm.query(sql`select pg_sleep(0.6)`);
  });

  it('without the option, PgBouncer refuses the session settings: the error names the fix', async () => {
    const error = await failureOf(
      Orm.connect({ url: bouncer.url('app').split('?')[0], models: [] }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/unsupported startup parameter/);
    expect(error.message).toMatch(/\?pgbouncer=true/);
  });

  it('a pooler that drops the session settings is refused with the fix named', async () => {
    const lenient = await PgBouncer.start(
      { host: '127.0.0.1', port: cluster.port },
      { ignoreStartupParameters: ['statement_timeout', 'idle_in_transaction_session_timeout'] },
    );
    try {
      const error = await failureOf(
        Orm.connect({ url: lenient.url('app').split('?')[0], models: [] }),
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/did not apply the statement_timeout/);
      expect(error.message).toMatch(/pool: \{ pgbouncer: true \}/);
    } finally {
      await lenient.stop();
    }
  });

  it('the url parameter takes only true or false', () => {
    expect(() => new PgDriver(`${bouncer.url('app').split('?')[0]}?pgbouncer=yes`)).toThrow(
      InvalidQueryError,
    );
    expect(new PgDriver(bouncer.url('app')).pgbouncer).toBe(true);
    expect(new PgDriver(bouncer.url('app'), { pgbouncer: false }).pgbouncer).toBe(false);
  });
});

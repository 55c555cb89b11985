import 'reflect-metadata';
import {
  Column,
  ConnectionError,
  Model,
  Orm,
  PrimaryKey,
  QueryError,
  QueryTimeoutError,
  Table,
  sql,
} from '../../lib';
import { Cluster, describeWithCluster } from './support/cluster';
import {
  appSessions,
  asAdmin,
  backendPid,
  failureOf,
  recovers,
  sleep,
} from './support/fault-helpers';

@Table('fault_items')
class Item extends Model {
  @PrimaryKey() id!: number;
  @Column() n!: number;
}

/** The same table, on a connection with short idle bounds. */
@Table('fault_items')
class QuickItem extends Model {
  @PrimaryKey() id!: number;
  @Column() n!: number;
}

type Kill = 'terminated' | 'killed';

describeWithCluster('a lost connection', () => {
  let cluster: Cluster;
  let orm: Orm;
  let quick: Orm;

  /** Ends the backend: pg_terminate_backend, or SIGKILL (the server then resets every session). */
  async function end(pid: number, how: Kill): Promise<void> {
    if (how === 'killed') cluster.killBackend(pid);
    else await asAdmin(cluster.url, 'select pg_terminate_backend($1)', [pid]);
  }

  beforeAll(async () => {
    cluster = await Cluster.start();
    orm = await cluster.connect({ name: 'faults', models: [Item], pool: { max: 3 } });
    quick = await cluster.connect({
      name: 'faults-quick',
      models: [QuickItem],
      pool: { max: 1, idleInTransactionTimeoutMs: 300 },
    });
    await orm.query(
      sql.unsafe(
        'create table fault_items (id integer generated always as identity primary key, n integer not null)',
      ),
    );
    await orm.query(sql`insert into fault_items (n) select g from generate_series(1, 100) g`);
  }, 60_000);

  afterAll(() => cluster?.destroy(), 30_000);

  it.each<Kill>(['terminated', 'killed'])(
    'a backend %s during a transaction fails that transaction with ConnectionError; the next call works',
    async (how) => {
      const started = Date.now();
      const error = await failureOf(
        orm.transaction(async () => {
          await Item.create({ n: 1000 });
          await end(await backendPid(orm), how);
          await sleep(100);
          await Item.count();
        }),
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).not.toBeInstanceOf(QueryError);
      expect(Date.now() - started).toBeLessThan(3_000);
      await recovers(() => Item.count(), 10_000);
      expect(await Item.where({ n: 1000 }).count()).toBe(0);
    },
    20_000,
  );

  it.each<Kill>(['terminated', 'killed'])(
    'a backend %s between the batches of a stream fails the stream with ConnectionError; the next call works',
    async (how) => {
      await recovers(() => Item.count(), 10_000);
      let read = 0;
      const error = await failureOf(
        (async () => {
          for await (const item of Item.order('id').stream({ batchSize: 10 })) {
            read++;
            if (item.n === 1) {
              const [stream] = await asAdmin<{ pid: number }>(
                cluster.url,
                `select pid from pg_stat_activity where query like 'FETCH%' and state = 'idle in transaction'`,
              );
              await end(stream!.pid, how);
              await sleep(100);
            }
          }
        })(),
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect(read).toBe(10);
      await recovers(() => Item.count(), 10_000);
      expect(await appSessions(cluster.url, 'idle in transaction')).toBe(0);
    },
    20_000,
  );

  it('a transaction idle past idle_in_transaction_session_timeout fails with ConnectionError; the next call works', async () => {
    const started = Date.now();
    const error = await failureOf(
      quick.transaction(async () => {
        await quick.query(sql`select 1`);
        await sleep(500);
        await quick.query(sql`select 2`);
      }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/idle-in-transaction timeout/);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The pool has one connection: it was given back, broken, and replaced.
    expect(await quick.query(sql`select 3 as three`)).toEqual([{ three: 3 }]);
  }, 10_000);

  it('a stream the reader breaks out of gives its connection back at once', async () => {
    for await (const item of QuickItem.order('id').stream({ batchSize: 10 })) {
      if (item.n === 3) break;
    }
    expect(await appSessions(cluster.url, 'idle in transaction')).toBe(0);
    expect(await QuickItem.count()).toBe(100);
  }, 10_000);

  it('a stream nobody pulls from gives its connection back after the idle bound', async () => {
    const rows = QuickItem.order('id').stream({ batchSize: 10 })[Symbol.asyncIterator]();
    expect((await rows.next()).value).toMatchObject({ n: 1 });
    await sleep(800);
    // The pool has one connection, and the stream no longer holds it.
    expect(await QuickItem.count()).toBe(100);
    for (let i = 2; i <= 10; i++) expect((await rows.next()).value).toMatchObject({ n: i });
    const error = await failureOf(rows.next());
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error.message).toMatch(/not read for 300 ms/);
  }, 10_000);
});

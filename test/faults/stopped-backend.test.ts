import 'reflect-metadata';
import { Client } from 'pg';
import { ConnectionError, Orm, QueryTimeoutError, TransactionError, sql } from '../../lib';
import { Cluster, describeWithCluster } from './support/cluster';
import { backendPid, failureOf, sleep } from './support/fault-helpers';

describeWithCluster('a backend that stops answering', () => {
  let cluster: Cluster;
  let orm: Orm;
  const stopped: number[] = [];

  beforeAll(async () => {
    cluster = await Cluster.start();
    orm = await cluster.connect({
      name: 'faults-stopped',
      models: [],
      pool: { max: 1, statementTimeoutMs: 300, queryTimeoutMs: 1_000 },
    });
  }, 60_000);

  afterEach(() => {
    for (const pid of stopped.splice(0)) cluster.continueBackend(pid);
  });

  afterAll(() => cluster?.destroy(), 30_000);

  it('a statement on a stopped backend fails within the query timeout with QueryTimeoutError; the next call works', async () => {
    // The pool holds one connection: the next statement goes to the stopped backend.
    const pid = await backendPid(orm);
    cluster.stopBackend(pid);
    stopped.push(pid);
    const started = Date.now();
    const error = await failureOf(orm.query(sql`select 1`));
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error.message).toMatch(/did not answer within the query timeout of 1000 ms/);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(2_500);
    expect(await backendPid(orm)).not.toBe(pid);
  }, 10_000);

  it('a transaction whose backend stops fails with QueryTimeoutError, without waiting again to roll back', async () => {
    const started = Date.now();
    const error = await failureOf(
      orm.transaction(async () => {
        const pid = await backendPid(orm);
        cluster.stopBackend(pid);
        stopped.push(pid);
        await orm.query(sql`select 1`);
      }),
    );
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await orm.query(sql`select 2 as two`)).toEqual([{ two: 2 }]);
  }, 10_000);

  it('a transaction past its own timeout gives up its stopped connection at the deadline', async () => {
    // The transaction's timeout (400 ms) comes before the pool's query timeout (1 000 ms).
    const started = Date.now();
    const error = await failureOf(
      orm.transaction({ timeout: 400 }, async () => {
        const pid = await backendPid(orm);
        cluster.stopBackend(pid);
        stopped.push(pid);
        await orm.query(sql`select 1`);
      }),
    );
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error.message).toMatch(/longer than its timeout of 400 ms/);
    expect(took).toBeLessThan(900);
    expect(await orm.query(sql`select 3 as three`)).toEqual([{ three: 3 }]);
  }, 10_000);

  it("the server's statement timeout and a cancel are the same QueryTimeoutError, and the connection stays", async () => {
    const pid = await backendPid(orm);
    const slow = await failureOf(orm.query(sql`select pg_sleep(5)`));
    expect(slow).toBeInstanceOf(QueryTimeoutError);
    expect(slow).toBeInstanceOf(TransactionError);
    expect(slow).toMatchObject({ code: 'QUERY_TIMEOUT', sqlState: '57014', retryable: false });
    const inTransaction = await failureOf(
      orm.transaction(async () => {
        await orm.query(sql`select pg_sleep(5)`);
      }),
    );
    expect(inTransaction).toBeInstanceOf(QueryTimeoutError);
    const admin = new Client({ connectionString: cluster.url });
    await admin.connect();
    const running = failureOf(orm.query(sql`select pg_sleep(5)`));
    await sleep(50);
    await admin.query('select pg_cancel_backend($1)', [pid]);
    await admin.end();
    const canceled = await running;
    expect(canceled).toBeInstanceOf(QueryTimeoutError);
    expect(canceled.message).toMatch(/cancel request/);
    expect(await backendPid(orm)).toBe(pid);
  }, 10_000);

  it('a connection lost while a statement runs is a ConnectionError, not a timeout', async () => {
    const pid = await backendPid(orm);
    const running = failureOf(orm.query(sql`select pg_sleep(0.25)`));
    await sleep(50);
    cluster.killBackend(pid);
    expect(await running).toBeInstanceOf(ConnectionError);
  }, 10_000);
});

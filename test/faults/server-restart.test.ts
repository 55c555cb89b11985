import 'reflect-metadata';
import { ConnectionError, Orm, sql } from '../../lib';
import { Cluster, describeWithCluster } from './support/cluster';
import { failureOf, recovers, sleep } from './support/fault-helpers';

describeWithCluster('a server restart', () => {
  let cluster: Cluster;
  let orm: Orm;

  beforeAll(async () => {
    cluster = await Cluster.start();
    orm = await cluster.connect({
      name: 'faults-restart',
      models: [],
      pool: { max: 8, acquireTimeoutMs: 2_000, queryTimeoutMs: 3_000 },
    });
  }, 60_000);

  afterAll(() => cluster?.destroy(), 30_000);

  it('under load: every call succeeds or fails with ConnectionError, and calls after it succeed', async () => {
    const outcomes = { ok: 0, connection: 0, other: [] as unknown[] };
    let running = true;
    const worker = async (index: number): Promise<void> => {
      while (running) {
        try {
          if (index % 4 === 0) {
            await orm.transaction(async () => {
              await orm.query(sql`select pg_sleep(0.02)`);
              await orm.query(sql`select 1`);
            });
          } else {
            await orm.query(sql`select pg_sleep(0.01)`);
          }
          outcomes.ok++;
        } catch (error) {
          if (error instanceof ConnectionError) outcomes.connection++;
          else outcomes.other.push(error);
          await sleep(20);
        }
      }
    };
    const workers = Array.from({ length: 20 }, (_, i) => worker(i));
    await sleep(300);
    const before = outcomes.ok;
    await cluster.restartImmediately();
    const restarted = Date.now();
    const recovery = await recovers(() => orm.query(sql`select 1`), 5_000);
    await sleep(500);
    const failedBeforeTheEnd = outcomes.connection;
    const okBeforeTheEnd = outcomes.ok;
    await sleep(500);
    running = false;
    await Promise.all(workers);

    expect(outcomes.other).toEqual([]);
    expect(before).toBeGreaterThan(0);
    expect(outcomes.connection).toBeGreaterThan(0);
    expect(Date.now() - restarted).toBeLessThan(8_000);
    expect(recovery).toBeLessThan(5_000);
    // Once the server is back, the load runs without failures.
    expect(outcomes.connection).toBe(failedBeforeTheEnd);
    expect(outcomes.ok).toBeGreaterThan(okBeforeTheEnd);
  }, 30_000);

  it('while the server is down, calls fail fast with ConnectionError; after it starts they succeed', async () => {
    await cluster.stopImmediately();
    const started = Date.now();
    const error = await failureOf(orm.query(sql`select 1`));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).not.toMatch(/password/);
    expect(Date.now() - started).toBeLessThan(2_500);
    await cluster.startServer();
    expect(await recovers(() => orm.query(sql`select 1`), 5_000)).toBeLessThan(5_000);
  }, 30_000);
});

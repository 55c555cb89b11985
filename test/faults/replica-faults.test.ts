import 'reflect-metadata';
import {
  Column,
  Model,
  Orm,
  PrimaryKey,
  runInContext,
  sql,
  Table,
  type QueryEvent,
} from '../../lib';
import type { ReplicaChange } from '../../lib';
import { Cluster, describeWithCluster } from './support/cluster';
import { freePort } from '../support/free-port';
import { sleep } from './support/fault-helpers';
import { ReplicaCluster } from './support/replica-cluster';

@Table('replica_fault_rows')
class Row extends Model {
  @PrimaryKey() id!: number;
  @Column() label!: string;
}

describeWithCluster('read replicas: faults', () => {
  let primary: Cluster;
  let replica: ReplicaCluster;
  let orm: Orm;
  const events: QueryEvent[] = [];
  const changes: ReplicaChange[] = [];

  beforeAll(async () => {
    primary = await Cluster.start();
    replica = await ReplicaCluster.startFrom(primary);
    orm = await primary.connect({
      name: 'replica-faults',
      models: [Row],
      replicas: [replica.url],
      maxReplicaLagMs: 400,
      replicaCheckIntervalMs: 100,
      pool: { max: 12, acquireTimeoutMs: 2_000 },
      nPlusOne: false,
      onQuery: (event) => events.push(event),
      onReplicaChange: (change) => changes.push(change),
    });
    await orm.query(
      sql`create table replica_fault_rows (id serial primary key, label text not null)`,
    );
    await Row.create({ label: 'seed' });
    await until(async () => (await Row.count()) === 1 && lastRead()?.target === 'replica');
  }, 120_000);

  afterAll(async () => {
    await replica?.destroy();
    await primary?.destroy();
  }, 60_000);

  function lastRead(): QueryEvent | undefined {
    return events.filter((e) => /^select/i.test(e.text)).at(-1);
  }

  function inRotation(): boolean {
    return orm.replicaStatus()[0]!.inRotation;
  }

  it('a replica stopped under load: no read fails, reads fall back to the primary, and it comes back into rotation', async () => {
    const failures: unknown[] = [];
    const targets = { replica: 0, primary: 0 };
    let running = true;
    let retried = 0;
    const listener = (event: QueryEvent) => {
      if (!/^SELECT/.test(event.text)) return;
      // A read the replica failed is sent again to the primary: it shows as a failed event.
      if (event.error) retried++;
      else targets[event.target]++;
    };
    const stopListening = orm.onQuery(listener);
    const reader = async () => {
      while (running) {
        try {
          const rows = await Row.where({ label: 'seed' }).all();
          if (rows.length !== 1) failures.push(new Error(`read ${rows.length} rows`));
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const readers = Array.from({ length: 8 }, reader);
    await sleep(300);
    const beforeStop = { ...targets };
    await replica.stop();
    const stopped = { ...targets };
    await sleep(1_000);
    const whileDown = {
      replica: targets.replica - stopped.replica,
      primary: targets.primary - stopped.primary,
    };
    const status = orm.replicaStatus()[0]!;
    await replica.startServer();
    const restarted = Date.now();
    await until(async () => inRotation(), 30_000);
    const backAfterMs = Date.now() - restarted;
    const back = { ...targets };
    await sleep(300);
    running = false;
    await Promise.all(readers);
    stopListening();

    expect(failures).toEqual([]);
    expect(retried).toBeGreaterThan(0);
    expect(beforeStop.replica).toBeGreaterThan(0);
    expect(whileDown.replica).toBe(0);
    expect(whileDown.primary).toBeGreaterThan(50);
    expect(status).toMatchObject({
      inRotation: false,
      reason: expect.stringMatching(/unreachable|a read failed/),
    });
    expect(targets.replica - back.replica).toBeGreaterThan(0);
    expect(changes.some((c) => !c.inRotation && /taken out of rotation/.test(c.message))).toBe(
      true,
    );
    expect(changes.at(-1)).toMatchObject({ inRotation: true });
    console.log(
      `replica stopped: ${retried} reads failed on it and ran again on the primary; ` +
        `back in rotation ${backAfterMs} ms after its restart`,
    );
  }, 60_000);

  it('a replica lagging past maxReplicaLagMs leaves rotation, and returns once it catches up', async () => {
    await replica.pauseReplay();
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await Row.create({ label: 'while paused' });
        await sleep(20);
      }
    })();
    try {
      await until(async () => !inRotation(), 5_000);
      expect(orm.replicaStatus()[0]).toMatchObject({
        inRotation: false,
        reason: expect.stringMatching(/^lags \d+ ms behind the primary \(bound 400 ms\)$/),
      });
      const from = events.length;
      await runInContext(() => Row.where({ label: 'seed' }).count());
      // The writer's inserts may land in between: only the count is asked about.
      const counts = events.slice(from).filter((e) => /count/i.test(e.text));
      expect(counts.map((e) => e.target)).toEqual(['primary']);
    } finally {
      writing = false;
      await writer;
      await replica.resumeReplay();
    }
    await until(async () => inRotation(), 10_000);
    const from = events.length;
    await Row.where({ label: 'seed' }).count();
    expect(events.slice(from).map((e) => e.target)).toEqual(['replica']);
  }, 30_000);

  it('a replica down at start-up starts out of rotation, with a warning, and reads still work', async () => {
    const seen: ReplicaChange[] = [];
    const nowhere = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const second = await primary.connect({
      name: 'replica-faults-down',
      models: [],
      replicas: [nowhere, replica.url],
      pool: { acquireTimeoutMs: 1_000 },
      onReplicaChange: (change) => seen.push(change),
    });
    const [down, up] = second.replicaStatus();
    expect(down).toMatchObject({
      inRotation: false,
      reason: expect.stringMatching(/^unreachable: /),
    });
    expect(up).toMatchObject({ inRotation: true });
    expect(seen.map((c) => c.target)).toEqual([down!.target]);
    for (let i = 0; i < 6; i++) {
      const [row] = await second.query<{ standby: boolean }>(
        sql`select pg_is_in_recovery() as standby`,
        { readOnly: true },
      );
      expect(row!.standby).toBe(true);
    }
    await second.close();
  }, 30_000);

  it('a replica that stops answering (frozen): reads past the query timeout run on the primary, none fails', async () => {
    const strict = await primary.connect({
      name: 'replica-faults-frozen',
      models: [],
      replicas: [replica.url],
      replicaCheckIntervalMs: 100,
      pool: { acquireTimeoutMs: 500, statementTimeoutMs: 0, queryTimeoutMs: 700 },
    });
    const read = async () => {
      const [row] = await strict.query<{ standby: boolean }>(
        sql`select pg_is_in_recovery() as standby`,
        { readOnly: true },
      );
      return row!.standby;
    };
    expect(await read()).toBe(true);
    replica.freeze();
    let frozenReads: boolean[];
    const started = Date.now();
    try {
      frozenReads = await Promise.all(Array.from({ length: 6 }, read));
      await until(async () => !strict.replicaStatus()[0]!.inRotation, 5_000);
      frozenReads.push(await read());
    } finally {
      replica.thaw();
    }
    const tookMs = Date.now() - started;
    // Answered by the primary, at most one query timeout late.
    expect(frozenReads).toEqual([false, false, false, false, false, false, false]);
    expect(tookMs).toBeLessThan(5_000);
    await until(async () => strict.replicaStatus()[0]!.inRotation, 15_000);
    expect(await read()).toBe(true);
    await strict.close();
  }, 40_000);

  it('a promoted replica (no longer in recovery) leaves rotation', async () => {
    await replica.promote();
    await until(async () => !inRotation(), 10_000);
    expect(orm.replicaStatus()[0]!.reason).toBe('is not in recovery (promoted, or not a standby)');
    const [row] = await orm.query<{ standby: boolean }>(
      sql`select pg_is_in_recovery() as standby`,
      {
        readOnly: true,
      },
    );
    expect(row!.standby).toBe(false);
    expect(lastRead()).toMatchObject({ target: 'primary' });
  }, 30_000);
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(25);
  }
}

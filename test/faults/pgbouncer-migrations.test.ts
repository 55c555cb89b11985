import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMigrated, MigrationLockError, Migrator, Orm, PgDriver, sql } from '../../lib';
import { PgBouncer, pgbouncerUnavailable } from '../support/pgbouncer';
import { Cluster, faultSuiteUnavailable } from './support/cluster';
import { asAdmin, sleep } from './support/fault-helpers';

const unavailable = faultSuiteUnavailable() ?? pgbouncerUnavailable();
const describeThroughPgBouncer = (unavailable ? describe.skip : describe) as jest.Describe;
if (unavailable) {
  console.warn(`The PgBouncer migration tests were NOT run (skipped): ${unavailable}`);
}

/** A migration file (plain CommonJS: no build step in the child process), by name and body. */
function migration(name: string, transactional: boolean, statements: string): [string, string] {
  return [
    `${name}.cjs`,
    `module.exports = class {
  transactional = ${transactional};
  up(schema) { ${statements} }
  down() {}
};
`,
  ];
}

/**
 * Pending migrations: a table, a slow migration that fills it, and (`withIndex`) a concurrent
 * index on it.
 */
function writeMigrations(directory: string, withIndex: boolean): void {
  const files = [
    migration(
      '20260101000001_create_events',
      true,
      `schema.sql('create table events (id integer generated always as identity primary key, note text)');`,
    ),
    // Slow enough for two instances to overlap; `MIGRATION_SLEEP` seconds (default 1.5).
    migration(
      '20260101000002_fill_events',
      true,
      `schema.sql("select pg_sleep(" + Number(process.env.MIGRATION_SLEEP ?? 1.5) + ")");
    schema.sql("insert into events (note) values ('filled')");`,
    ),
    migration(
      '20260101000003_events_note_index',
      false,
      `schema.sql('CREATE INDEX CONCURRENTLY events_note_idx ON events (note)');`,
    ),
  ];
  if (!withIndex) files.pop();
  for (const [file, text] of files) writeFileSync(join(directory, file), text);
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  applied?: string[];
  output: string;
  /** Ends the process at once (SIGKILL). */
  kill(): void;
  done: Promise<Run>;
}

const children: Array<{ kill(): void }> = [];
afterAll(() => children.forEach((child) => child.kill()));

/** An app instance migrating in a process of its own (`support/migrate-process.ts`). */
function migrateInProcess(url: string, directory: string, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '-r',
      './sample-app/register-typescript.cjs',
      'test/faults/support/migrate-process.ts',
    ],
    {
      cwd: process.cwd(),
      env: { ...process.env, ...env, MIGRATE_URL: url, MIGRATIONS_DIR: directory },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const run = { output: '', kill: () => void child.kill('SIGKILL') } as Run;
  children.push(run);
  child.stdout.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  run.done = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      run.code = code;
      run.signal = signal;
      const applied = /^APPLIED (.*)$/m.exec(run.output)?.[1];
      if (applied) run.applied = JSON.parse(applied) as string[];
      resolve(run);
    }),
  );
  return run;
}

describeThroughPgBouncer('migrations through PgBouncer in transaction pooling mode', () => {
  let cluster: Cluster;
  let bouncer: PgBouncer;
  let directory: string;
  let database = 0;

  beforeAll(async () => {
    cluster = await Cluster.start();
    bouncer = await PgBouncer.start({ host: '127.0.0.1', port: cluster.port });
  }, 60_000);

  afterAll(async () => {
    await bouncer?.stop();
    await cluster?.destroy();
  });

  /** A new empty database on the cluster and a folder with the pending migrations. */
  async function freshDatabase(
    withIndex = true,
  ): Promise<{ name: string; direct: string; pooled: string }> {
    const name = `app_${++database}`;
    await asAdmin(cluster.url, `create database ${name}`);
    directory = mkdtempSync(join(tmpdir(), 'nar-bouncer-migrations-'));
    writeMigrations(directory, withIndex);
    return {
      name,
      direct: cluster.url.replace(/\/postgres$/, `/${name}`),
      pooled: bouncer.url(name),
    };
  }

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  /** Advisory locks held anywhere on the cluster. */
  async function advisoryLocks(): Promise<number> {
    const [row] = await asAdmin<{ n: number }>(
      cluster.url,
      "select count(*)::int as n from pg_locks where locktype = 'advisory'",
    );
    return row!.n;
  }

  it('two instances migrating at once: both finish, each migration applied once, no lock left', async () => {
    const db = await freshDatabase();
    const [first, second] = await Promise.all([
      migrateInProcess(db.pooled, directory).done,
      migrateInProcess(db.pooled, directory).done,
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    // One applied all three; the other waited for the lock, then found nothing pending.
    const applied = [...first.applied!, ...second.applied!].sort();
    expect(applied).toEqual([
      '20260101000001_create_events',
      '20260101000002_fill_events',
      '20260101000003_events_note_index',
    ]);
    expect(
      await asAdmin(db.direct, 'select name from schema_migrations order by name'),
    ).toHaveLength(3);
    expect(await asAdmin(db.direct, 'select note from events')).toEqual([{ note: 'filled' }]);
    // The concurrent build finished: the index is valid.
    expect(
      await asAdmin(
        db.direct,
        "select indisvalid from pg_index where indexrelid = 'events_note_idx'::regclass",
      ),
    ).toEqual([{ indisvalid: true }]);
    expect(await advisoryLocks()).toBe(0);
  }, 60_000);

  it('a migrating instance killed mid-migration leaves no lock: the next migrate proceeds at once', async () => {
    // Without the concurrent index: its build would rightly wait for the killed instance's
    // statement, which the server runs to its end (PgBouncer cannot cancel it for a client
    // that is gone).
    const db = await freshDatabase(false);
    const killed = migrateInProcess(db.pooled, directory, { MIGRATION_SLEEP: '30' });
    // Wait until it is inside the slow migration (holding the lock).
    const started = Date.now();
    for (;;) {
      const [row] = await asAdmin<{ n: number }>(
        cluster.url,
        "select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(30%'",
      );
      if (row!.n > 0) break;
      if (Date.now() - started > 30_000) throw new Error(`never migrated:\n${killed.output}`);
      await sleep(50);
    }
    expect(await advisoryLocks()).toBe(1);
    killed.kill();
    expect((await killed.done).signal).toBe('SIGKILL');
    // The lock ends with the killed instance's connection, as soon as PgBouncer closes it.
    const killedAt = Date.now();
    while ((await advisoryLocks()) > 0 && Date.now() - killedAt < 3_000) await sleep(20);
    expect(await advisoryLocks()).toBe(0);

    const next = Date.now();
    const rerun = await migrateInProcess(db.pooled, directory, { MIGRATION_SLEEP: '0' }).done;
    const tookMs = Date.now() - next;
    expect(rerun.code).toBe(0);
    expect(rerun.applied).toEqual(['20260101000002_fill_events']);
    // Starting a process is most of it; waiting for an orphaned lock would never end.
    expect(tookMs).toBeLessThan(15_000);
    expect(await asAdmin(db.direct, 'select note from events')).toEqual([{ note: 'filled' }]);
    expect(await advisoryLocks()).toBe(0);
  }, 90_000);

  it('connectMigrated (forRoot): migrations on migrations.url, the app through PgBouncer', async () => {
    const db = await freshDatabase();
    const { orm, applied } = await connectMigrated(
      { url: db.pooled, models: [] },
      { url: db.direct, directory },
    );
    try {
      expect(applied).toHaveLength(3);
      expect((orm.driver as PgDriver).pgbouncer).toBe(true);
      expect(await orm.query(sql`select note from events`)).toEqual([{ note: 'filled' }]);
    } finally {
      await orm.close();
    }
    await expect(connectMigrated({ models: [] }, { url: db.direct, directory })).rejects.toThrow(
      /migrations.url is a direct url/,
    );
  }, 60_000);

  it('a run whose lock connection is lost stops before the next migration (MigrationLockError)', async () => {
    const db = await freshDatabase();
    const orm = await Orm.connect({ url: db.pooled, models: [] });
    try {
      const lines: string[] = [];
      const run = new Migrator(orm, { directory, log: (line) => lines.push(line) }).migrate();
      // While the slow migration runs, end the backend of the transaction holding the lock.
      const started = Date.now();
      for (;;) {
        const [row] = await asAdmin<{ n: number }>(
          cluster.url,
          `select count(*)::int as n from pg_stat_activity where datname = '${db.name}'
             and query like 'select pg_sleep(%' and state = 'active'`,
        );
        if (row!.n > 0) break;
        if (Date.now() - started > 10_000) throw new Error('the slow migration never started');
        await sleep(20);
      }
      await asAdmin(
        cluster.url,
        `select pg_terminate_backend(l.pid) from pg_locks l
          where l.locktype = 'advisory' and l.database = (select oid from pg_database where datname = '${db.name}')`,
      );
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationLockError);
      expect((error as Error).message).toMatch(/lost during the run/);
      // The migration running when the lock was lost finished; the run stopped after it.
      expect(lines).toEqual([
        expect.stringMatching(/^migrated 20260101000001_create_events/),
        expect.stringMatching(/^migrated 20260101000002_fill_events/),
      ]);
    } finally {
      await orm.close();
    }
  }, 60_000);
});

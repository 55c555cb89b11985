import { Client } from 'pg';
import { MigrationLockError, Orm, PgliteDriver, sql } from '../../lib';
import { MIGRATIONS_LOCK_KEY, withMigrationsLock } from '../../lib/migrations/migrations-lock';
import { describeOnServer } from '../support/test-database';

describe('the migrations lock on embedded PostgreSQL', () => {
  let orm: Orm;
  beforeAll(async () => {
    orm = await Orm.connect({ driver: new PgliteDriver(), models: [] });
  });
  afterAll(() => orm.close());

  it('a session lock whose release is checked: one released behind its back is reported', async () => {
    const error = await withMigrationsLock(orm, async ({ run }) => {
      await run({ text: 'SELECT pg_advisory_unlock_all()', values: [] });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationLockError);
    expect((error as Error).message).toMatch(/pg_advisory_unlock returned false/);
    // Released normally, nothing is reported and nothing stays locked.
    expect(await withMigrationsLock(orm, async () => 'done')).toBe('done');
    expect(
      await orm.query(sql`select count(*)::int as n from pg_locks where locktype = 'advisory'`),
    ).toEqual([{ n: 0 }]);
  });
});

describeOnServer('the migrations lock on a server', (url) => {
  it('is held by a transaction of its own, idle and without a snapshot, and ends with the run', async () => {
    const orm = await Orm.connect({ url: url(), models: [] });
    const admin = new Client({ connectionString: url() });
    await admin.connect();
    // The key's two 32-bit halves, as pg_locks shows a bigint advisory key. Advisory locks
    // belong to a database: a run migrating another one at the same time holds its own.
    const holder = `select a.state, a.backend_xmin from pg_locks l join pg_stat_activity a using (pid)
      where l.locktype = 'advisory' and l.granted
        and l.database = (select oid from pg_database where datname = current_database())
        and (l.classid::bigint << 32) + l.objid::bigint = ${MIGRATIONS_LOCK_KEY}`;
    try {
      const during = await withMigrationsLock(orm, async ({ run }) => {
        await run({ text: 'SELECT 1', values: [] });
        return (await admin.query(holder)).rows;
      });
      expect(during).toEqual([{ state: 'idle in transaction', backend_xmin: null }]);
      expect((await admin.query(holder)).rows).toEqual([]);
    } finally {
      await admin.end();
      await orm.close();
    }
  });
});

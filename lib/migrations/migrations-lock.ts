import type { Statement } from '../context/connection';
import type { Orm } from '../connection/orm';
import type { DriverSession } from '../driver/driver';
import { MigrationLockError } from './migration-errors';

/** Key of the advisory lock that serializes migration runs across app replicas. */
export const MIGRATIONS_LOCK_KEY = 7_241_930_117;

/** Sends a statement on the session the migrations run on. */
export type MigrationStatementRunner = (s: Statement) => Promise<Record<string, unknown>[]>;

/** What a run under the lock gets: its statements' session, and a check that the lock holds. */
export interface LockedRun {
  run: MigrationStatementRunner;
  /** Fails with MigrationLockError when the session holding the lock was lost. */
  assertLockHeld(): Promise<void>;
}

/**
 * Runs `work` while this process holds the migrations lock.
 *
 * On a server, the lock is `pg_advisory_xact_lock`, taken by a transaction kept open on a
 * session of its own for the whole run, while the migrations run on a second session (they
 * commit one by one, and some must run outside any transaction). A transaction-scoped lock
 * cannot outlive its transaction: it ends with the ROLLBACK here, and also when the process
 * dies, since its connection closes and the server (or PgBouncer, which closes a server
 * connection whose client left mid-transaction) ends the transaction. A session-level lock
 * would instead stay with the server connection, which a pooler gives to the next client.
 * The lock-holding transaction touches no table and holds no snapshot between statements, so
 * it never blocks the migrations (`CREATE INDEX CONCURRENTLY` waits for every transaction
 * holding a snapshot). For the same reason an instance waiting for the lock polls for it with
 * short statements instead of one that blocks: a blocked statement holds its snapshot, the
 * other instance's concurrent index build would wait for it, and neither would ever finish.
 *
 * On an embedded single-session engine nobody else can migrate the same data (its folder is
 * locked by one process) and a second session does not exist: the lock is a session lock on
 * the one session, and its release is checked.
 */
export async function withMigrationsLock<T>(
  orm: Orm,
  work: (locked: LockedRun) => Promise<T>,
): Promise<T> {
  return orm.driver.singleSession ? inOneSession(orm, work) : onTwoSessions(orm, work);
}

async function onTwoSessions<T>(orm: Orm, work: (locked: LockedRun) => Promise<T>): Promise<T> {
  // Migrations may rightly run long (an index on a large table, a wait for the lock held by
  // another instance): the pool's statement bounds do not apply to them.
  const holder = await orm.driver.acquire({ unbounded: true });
  const onHolder = (text: string) => orm.executeOn(holder, { text, values: [] });
  let holderHealthy = true;
  try {
    await onHolder('BEGIN');
    await waitForLock(onHolder);
    const session = await orm.driver.acquire({ unbounded: true });
    let healthy = true;
    try {
      return await work({
        run: async (statement) => {
          try {
            return (await orm.executeOn(session, statement)).rows;
          } catch (error) {
            healthy = false;
            throw error;
          }
        },
        assertLockHeld: async () => {
          try {
            await onHolder('SELECT 1');
          } catch (error) {
            holderHealthy = false;
            throw new MigrationLockError(
              'The connection holding the migrations lock was lost during the run, so another ' +
                'instance may be migrating now: stopped before the next migration; run migrate ' +
                'again',
              error,
            );
          }
        },
      });
    } finally {
      // A failed statement may leave the session mid-transaction: it is not given back as is.
      session.release(!healthy);
    }
  } finally {
    // Ends the lock-holding transaction, and the lock with it (it wrote nothing).
    await onHolder('ROLLBACK').catch(() => {
      holderHealthy = false;
    });
    holder.release(!holderHealthy);
  }
}

/** Takes the lock in the holder's open transaction, retrying every 50 ms up to every second. */
async function waitForLock(
  onHolder: (text: string) => Promise<{ rows: Record<string, unknown>[] }>,
): Promise<void> {
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    // The key in the text, not a parameter: a statement without parameters goes by the simple
    // protocol, whose portal (and snapshot) ends with the statement. An extended-protocol
    // portal would stay open, and its snapshot held, until the next statement.
    const { rows } = await onHolder(
      `SELECT pg_try_advisory_xact_lock(${MIGRATIONS_LOCK_KEY}) AS locked`,
    );
    if (rows[0]?.locked === true) return;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

async function inOneSession<T>(orm: Orm, work: (locked: LockedRun) => Promise<T>): Promise<T> {
  const session: DriverSession = await orm.driver.acquire({ unbounded: true });
  const run: MigrationStatementRunner = async (statement) =>
    (await orm.executeOn(session, statement)).rows;
  let healthy = true;
  const release = () =>
    unlock(run).catch((error: unknown) => {
      if (!(error instanceof MigrationLockError)) healthy = false;
      throw error;
    });
  try {
    await run({ text: 'SELECT pg_advisory_lock($1)', values: [MIGRATIONS_LOCK_KEY] });
    let result: T;
    try {
      result = await work({ run, assertLockHeld: () => Promise.resolve() });
    } catch (error) {
      // The run's own failure is what the caller needs to see.
      await release().catch(() => undefined);
      throw error;
    }
    await release();
    return result;
  } finally {
    session.release(!healthy);
  }
}

/** Releases the session lock; `false` from PostgreSQL means it was not held (a bug, or a reset). */
async function unlock(run: MigrationStatementRunner): Promise<void> {
  const [row] = await run({
    text: 'SELECT pg_advisory_unlock($1) AS released',
    values: [MIGRATIONS_LOCK_KEY],
  });
  if (row?.released !== true) {
    throw new MigrationLockError(
      'The migrations lock was not held by this session when the run ended ' +
        '(pg_advisory_unlock returned false): another instance may have migrated at the same time',
    );
  }
}

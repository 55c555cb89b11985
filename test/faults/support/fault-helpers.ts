import { Client } from 'pg';
import { ConnectionError, type Orm, sql } from '../../../lib';

/** The server pid of the session the current scope uses (the transaction's, or a pooled one). */
export async function backendPid(orm: Orm): Promise<number> {
  const [row] = await orm.query<{ pid: number }>(sql`select pg_backend_pid() as pid`);
  return row!.pid;
}

/** Runs `statement` on a connection of its own (an administrator's), outside the ORM. */
export async function asAdmin<Row = Record<string, unknown>>(
  url: string,
  statement: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const admin = new Client({ connectionString: url });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    return (await admin.query(statement, values)).rows as Row[];
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Sessions of the app (not the administrator's) by state, e.g. `idle in transaction`. */
export async function appSessions(url: string, state: string): Promise<number> {
  const rows = await asAdmin<{ n: number }>(
    url,
    `select count(*)::int as n from pg_stat_activity
     where application_name = 'nestjs-active-record' and state = $1`,
    [state],
  );
  return rows[0]!.n;
}

/** The rejection of `work`, or a failure when it resolves. */
export async function failureOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/**
 * Calls `fn` until it succeeds, at most `withinMs`; every failure on the way must be a
 * ConnectionError (the server is still coming back). Returns how long recovery took.
 */
export async function recovers(fn: () => Promise<unknown>, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await fn();
      return Date.now() - started;
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      if (Date.now() - started > withinMs) {
        throw new Error(`no recovery within ${withinMs} ms: ${error.message}`, { cause: error });
      }
      await sleep(100);
    }
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

import type { Client, Pool, PoolClient } from 'pg';
import { ConnectionError } from '../errors/connection-error';
import { QueryTimeoutError } from '../errors/query-timeout-error';
import type { QueryResult } from './driver';
import { QUERY_READ_TIMEOUT, QueryDeadline } from './query-deadline';
import { translateDatabaseError } from './translate-error';

/** What `pg` answers a statement with: one result, or one per statement of a multi-statement text. */
export type PgResult = { rows: unknown[]; rowCount: number | null };

/** Where statements go and how long their answers may take (0: unbounded). */
export interface StatementBounds {
  readonly target: string;
  readonly queryTimeoutMs: number;
}

/** One deadline per connection, whichever session holds it (see QueryDeadline). */
const deadlines = new WeakMap<Client, QueryDeadline>();

export function deadlineOf(client: Client, timeoutMs: number): QueryDeadline | undefined {
  if (!timeoutMs) return undefined;
  let deadline = deadlines.get(client);
  if (!deadline) deadlines.set(client, (deadline = new QueryDeadline(timeoutMs)));
  return deadline;
}

/**
 * The caller's result: several statements in one text (BEGIN with its bounds, through
 * PgBouncer) answer one result each, and the first is the caller's.
 */
export function firstResult<Row>(result: PgResult | PgResult[]): QueryResult<Row> {
  const first = Array.isArray(result) ? result[0]! : result;
  return { rows: first.rows as Row[], rowCount: first.rowCount ?? first.rows.length };
}

/** A statement's failure in the ORM's vocabulary, and whether its connection is past use. */
export function statementFailure(
  error: unknown,
  text: string,
  bounds: StatementBounds,
): { error: Error; breaksConnection: boolean } {
  const translated = translateDatabaseError(error, text, bounds.target, bounds.queryTimeoutMs);
  // After a client-side timeout the statement may still run on the server, holding the
  // connection's protocol state: the connection cannot be reused.
  const breaksConnection =
    translated instanceof ConnectionError ||
    (translated instanceof QueryTimeoutError && (error as Error).message === QUERY_READ_TIMEOUT);
  return { error: translated, breaksConnection };
}

/**
 * One statement on a connection checked out for it alone: every statement outside a
 * transaction. Checkout, statement and release go by `pg`'s callbacks inside one promise; a
 * session object and the promises of checkout and statement cost a statement more client
 * time than its SQL text does (a primary-key find made 24 promises, against raw `pg`'s 5).
 *
 * The connection goes back to the pool before the caller resumes, dropped when the failure
 * leaves it unusable. A checked-out connection has no listener of the pool's: the driver gives
 * every connection one of its own, so a socket error during the statement reaches it here.
 *
 * @param acquireFailure the error for a checkout that failed (no connection, or none free in time)
 */
export function pooledStatement<Row>(
  pool: Pool,
  text: string,
  values: readonly unknown[],
  bounds: StatementBounds,
  acquireFailure: (error: Error) => Error,
): Promise<QueryResult<Row>> {
  return new Promise((resolve, reject) => {
    pool.connect((connectError: Error | undefined, client: PoolClient | undefined) => {
      if (connectError || !client) {
        reject(acquireFailure(connectError ?? new Error('no connection')));
        return;
      }
      let settled = false;
      const deadline = deadlineOf(client, bounds.queryTimeoutMs);
      // Called by the deadline, or by pg with the statement's error; pg may still answer a
      // statement the deadline gave up on, once the dropped connection closes.
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        deadline?.stop(fail);
        const failure = statementFailure(error, text, bounds);
        client.release(failure.breaksConnection);
        reject(failure.error);
      };
      deadline?.start(fail);
      try {
        client.query(text, values as unknown[], (error: Error | null, result: unknown) => {
          if (error) return fail(error);
          if (settled) return;
          settled = true;
          deadline?.stop(fail);
          client.release();
          resolve(firstResult<Row>(result as PgResult | PgResult[]));
        });
      } catch (error) {
        // Thrown here, it would reach the pool's callback instead of the caller.
        fail(error as Error);
      }
    });
  });
}

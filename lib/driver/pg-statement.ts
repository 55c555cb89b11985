import { Query, type Client, type Pool, type PoolClient } from 'pg';
import { ConnectionError } from '../errors/connection-error';
import { QueryTimeoutError } from '../errors/query-timeout-error';
import type { QueryResult, RowListener } from './driver';
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
  onRow: RowListener | undefined,
): Promise<QueryResult<Row>> {
  return new Promise((resolve, reject) => {
    pool.connect((connectError: Error | undefined, client: PoolClient | undefined) => {
      if (connectError || !client) {
        reject(acquireFailure(connectError ?? new Error('no connection')));
        return;
      }
      sendStatement(
        client,
        deadlineOf(client, bounds.queryTimeoutMs),
        text,
        values,
        onRow,
        (error, result) => {
          if (error) {
            const failure = statementFailure(error, text, bounds);
            client.release(failure.breaksConnection);
            reject(failure.error);
          } else {
            client.release();
            resolve(firstResult<Row>(result!));
          }
        },
      );
    });
  });
}

/**
 * Sends one statement by `pg`'s callback (its promise form costs a third more client CPU on a
 * 50-row select: the callback it wraps in keeps the rows past the young generation, as
 * `query_timeout` does; see QueryDeadline), bounded by the connection's deadline. `done` is
 * called once: by the answer, by the deadline, or with what `pg` threw; pg may still answer a
 * statement the deadline gave up on, once its dropped connection closes.
 *
 * With `onRow`, each row is shown to it as `pg` parses it, while the server may still be
 * computing the next ones.
 */
export function sendStatement(
  client: PoolClient,
  deadline: QueryDeadline | undefined,
  text: string,
  values: readonly unknown[],
  onRow: RowListener | undefined,
  done: (error: Error | undefined, result?: PgResult | PgResult[]) => void,
): void {
  let settled = false;
  const settle = (error: Error | undefined, result?: PgResult | PgResult[]): void => {
    if (settled) return;
    settled = true;
    deadline?.stop(fail);
    done(error, result);
  };
  const fail = (error: Error): void => settle(error);
  deadline?.start(fail);
  const answered = (error: Error | null | undefined, result: unknown): void =>
    settle(error ?? undefined, result as PgResult | PgResult[]);
  try {
    if (onRow) client.query(withRowListener(text, values, onRow, answered));
    else client.query(text, values as unknown[], answered);
  } catch (error) {
    // Thrown here, it would reach the caller's callback (the pool's) instead of `done`.
    fail(error as Error);
  }
}

/**
 * A `pg` query that also shows each row to `onRow` as it is parsed (the rows are still collected
 * for the answer). The listener runs inside `pg`'s handling of the socket's data, where an
 * exception would break the connection's protocol state: one that throws is not called again,
 * and the work it did not do is left to the pass after the answer.
 */
function withRowListener(
  text: string,
  values: readonly unknown[],
  onRow: RowListener,
  answered: (error: Error | null | undefined, result: unknown) => void,
): Query {
  const query = new Query({ text, values: values as unknown[] }, answered);
  const listener = (row: Record<string, unknown>): void => {
    try {
      onRow(row);
    } catch {
      query.removeListener('row', listener);
    }
  };
  query.on('row', listener);
  return query;
}

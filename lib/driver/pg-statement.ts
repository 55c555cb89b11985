import { Query, type Client, type Pool, type PoolClient } from 'pg';
import { ConnectionError } from '../errors/connection-error';
import { QueryTimeoutError } from '../errors/query-timeout-error';
import type { QueryOptions, QueryResult, RowListener } from './driver';
import { QUERY_READ_TIMEOUT, QueryDeadline } from './query-deadline';
import { translateDatabaseError } from './translate-error';

/** What `pg` answers a statement with: one result, or one per statement of a multi-statement text. */
export type PgResult = {
  rows: unknown[];
  rowCount: number | null;
  fields: readonly { name: string }[];
};

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
 * PgBouncer) answer one result each, and the first is the caller's. Rows asked for as arrays
 * come with the columns' names.
 */
export function firstResult<Row>(
  result: PgResult | PgResult[],
  options: QueryOptions | undefined,
): QueryResult<Row> {
  const first = Array.isArray(result) ? result[0]! : result;
  const rows = first.rows as Row[];
  const rowCount = first.rowCount ?? first.rows.length;
  if (!options?.arrays || (rows.length > 0 && !Array.isArray(rows[0]))) return { rows, rowCount };
  return { rows, rowCount, fields: first.fields.map((field) => field.name) };
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
  options: QueryOptions | undefined,
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
        options,
        (error, result) => {
          if (error) {
            const failure = statementFailure(error, text, bounds);
            client.release(failure.breaksConnection);
            reject(failure.error);
          } else {
            client.release();
            resolve(firstResult<Row>(result!, options));
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
 * computing the next ones; with `arrays`, `pg` gives each row as an array.
 */
export function sendStatement(
  client: PoolClient,
  deadline: QueryDeadline | undefined,
  text: string,
  values: readonly unknown[],
  options: QueryOptions | undefined,
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
    if (options?.onRow) client.query(withRowListener(text, values, options.onRow, answered));
    else if (options?.arrays) client.query(arrayRowsQuery(text, values, answered));
    else client.query(text, values as unknown[], answered);
  } catch (error) {
    // Thrown here, it would reach the caller's callback (the pool's) instead of `done`.
    fail(error as Error);
  }
}

/** The parts of a `pg` query that `rowMode: 'array'` sets (see `arrayRowsQuery`). */
interface RowModeInternals {
  _rowMode?: string;
  _result: { rowAsArray: boolean; parseRow: unknown; _parseRowAsArray: unknown };
}

/**
 * A `pg` query whose rows are arrays, as `rowMode: 'array'` makes them, set on a query made
 * from the text: `pg` copies a query config object by its property descriptors, which took
 * ~3 µs a statement on Node 20, against ~0.02 µs for a text. Should `pg` keep these parts
 * otherwise, the rows come as objects, which `firstResult` sees.
 */
function arrayRowsQuery(
  text: string,
  values: readonly unknown[],
  answered: (error: Error | null | undefined, result: unknown) => void,
): Query {
  const query = new Query(text, values as unknown[], answered);
  const internals = query as unknown as RowModeInternals;
  const result = internals._result;
  if (result && typeof result._parseRowAsArray === 'function') {
    // Both: a text of several statements makes a result per statement from `_rowMode`.
    internals._rowMode = 'array';
    result.rowAsArray = true;
    result.parseRow = result._parseRowAsArray;
  }
  return query;
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
  const query = new Query(text, values as unknown[], answered);
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

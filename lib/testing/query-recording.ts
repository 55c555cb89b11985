import { Orm } from '../connection/orm';
import type { QueryEvent } from '../connection/query-event';
import { NPlusOneError } from '../errors/n-plus-one-error';
import { openConnections } from '../transactions/connection-registry';

/** What `recordQueries` saw while its function ran. */
export interface QueryRecording<T> {
  /** What the function resolved to. */
  readonly result: T;
  /** Statement texts in the order they were sent. */
  readonly statements: string[];
  readonly count: number;
  /** The whole events (durations, row counts, errors, connection names). */
  readonly events: QueryEvent[];
}

export interface RecordQueriesOptions {
  /** Only this connection's statements; default every open connection's. */
  connection?: Orm;
  /**
   * Keep BEGIN, COMMIT, ROLLBACK and savepoint statements (left out by default: inside a test's
   * transaction the code's transactions are savepoints, in production BEGIN/COMMIT).
   */
  includeTransactionControl?: boolean;
}

const transactionControl =
  /^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET LOCAL)\b/i;

/**
 * The statements sent while `fn` runs, for assertions on their number and text (an N+1
 * regression shows up as a count that grows with the rows).
 *
 * @example
 * const { count } = await recordQueries(() => Article.all().include('author').toArray());
 * expect(count).toBe(2);
 */
export async function recordQueries<T>(
  fn: () => T | Promise<T>,
  options: RecordQueriesOptions = {},
): Promise<QueryRecording<T>> {
  const connections = options.connection
    ? [options.connection]
    : openConnections().filter((c): c is Orm => c instanceof Orm);
  const events: QueryEvent[] = [];
  const listen = (event: QueryEvent) => {
    if (options.includeTransactionControl || !transactionControl.test(event.text)) {
      events.push(event);
    }
  };
  const stops = connections.map((connection) => connection.onQuery(listen));
  try {
    const result = await fn();
    return { result, statements: events.map((e) => e.text), count: events.length, events };
  } finally {
    for (const stop of stops) stop();
  }
}

export interface NoNPlusOneOptions extends RecordQueriesOptions {
  /** Fail when one statement text is sent this many times (default 3). */
  threshold?: number;
}

/**
 * Fails with NPlusOneError when `fn` sends the same SELECT `threshold` times or more — the mark
 * of records loaded one by one instead of together — naming the statement and its count.
 * Resolves to what `fn` resolved to.
 *
 * @example
 * await expectNoNPlusOne(() => request(app.getHttpServer()).get('/api/articles'));
 */
export async function expectNoNPlusOne<T>(
  fn: () => T | Promise<T>,
  options: NoNPlusOneOptions = {},
): Promise<T> {
  const threshold = Math.max(2, options.threshold ?? 3);
  const { result, statements } = await recordQueries(fn, options);
  const counts = new Map<string, number>();
  for (const text of statements) {
    if (/^\s*(WITH|SELECT)\b/i.test(text)) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const [statement, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  if (count >= threshold) {
    throw new NPlusOneError(
      `N+1 queries: the same statement ran ${count} times (the limit is ${threshold - 1}); ` +
        `load the records together with include() or where({ key: [...] }). Statement: ${statement}`,
      statement,
      count,
    );
  }
  return result;
}

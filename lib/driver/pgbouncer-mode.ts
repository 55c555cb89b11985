import { InvalidQueryError } from '../errors/invalid-query-error';
import type { DriverSession, QueryOptions, QueryResult } from './driver';

/**
 * PgBouncer in transaction pooling mode hands each transaction (and each statement outside
 * one) to whichever server connection is free, and refuses session parameters at connect.
 * So in this mode the driver sends no `statement_timeout` / `idle_in_transaction_session_timeout`
 * at connect and sets nothing on a session: it bounds each transaction it begins from inside,
 * with settings local to that transaction (`SET LOCAL`), which end
 * with it and never reach the next client of the server connection.
 */

/** The url without its `pgbouncer` parameter, and whether that parameter asked for the mode. */
export function pgbouncerFromUrl(url: string): { url: string; pgbouncer?: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  const value = parsed.searchParams.get('pgbouncer');
  if (value === null) return { url };
  if (value !== 'true' && value !== 'false') {
    throw new InvalidQueryError(
      `Invalid url parameter: pgbouncer must be true or false, not ${JSON.stringify(value)}`,
    );
  }
  parsed.searchParams.delete('pgbouncer');
  return { url: parsed.toString(), pgbouncer: value === 'true' };
}

/** `BEGIN …` or `START TRANSACTION …`: where a transaction of the ORM (or a cursor's) starts. */
const beginsTransaction = /^\s*(?:BEGIN|START\s+TRANSACTION)\b/i;

/** The bounds a transaction gets in transaction pooling mode, in milliseconds (0 = none). */
export interface TransactionBounds {
  readonly statementTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
}

/**
 * A session whose transactions get the pool's time bounds with their BEGIN, local to the
 * transaction. A `transaction({ timeout })` sets its own `statement_timeout` after that,
 * which wins.
 */
export class TransactionBoundSession implements DriverSession {
  constructor(
    private readonly inner: DriverSession,
    private readonly bounds: TransactionBounds,
  ) {}

  async query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    if (!beginsTransaction.test(text) || values.length > 0)
      return this.inner.query<Row>(text, values, options);
    // In the BEGIN's own round trip (several statements go by the simple protocol, which
    // takes no parameters: the bounds are checked integers). SET takes no snapshot, so a
    // `SET TRANSACTION ISOLATION LEVEL` may still follow.
    return this.inner.query<Row>(
      `${text}; SET LOCAL statement_timeout = ${this.bounds.statementTimeoutMs}; ` +
        `SET LOCAL idle_in_transaction_session_timeout = ${this.bounds.idleInTransactionTimeoutMs}`,
      [],
    );
  }

  release(broken?: boolean): void {
    this.inner.release(broken);
  }
}

import type { Driver, DriverSession, QueryResult, RowListener } from '../driver/driver';
import type { TransactionOptions } from '../transactions/transaction-options';

/** A compiled statement ready to send. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
  /** What issued it, with the fix when it repeats (e.g. "add .include('author') to …"). */
  readonly origin?: string;
  /**
   * Where the statement was asked for, when it is sent later than that (a lookup batched at the
   * end of the tick): the N+1 report names this call site rather than the sender's.
   */
  readonly issuedAt?: Error;
  /**
   * Only reads (a SELECT without a row lock, or raw SQL marked read-only): outside a
   * transaction it may go to a read replica. Anything else goes to the primary.
   */
  readonly reads?: boolean;
  /** Shown each row as the driver reads it, where the driver can (see `RowListener`). */
  readonly onRow?: RowListener;
  /** Rows wanted as arrays of values, with the columns' names (see `QueryOptions.arrays`). */
  readonly arrays?: boolean;
}

/**
 * What models and queries need from a connection: send a statement on the right session
 * (the transaction of the current async scope, else the pool) and open transactions.
 * `Orm` is the implementation.
 */
export interface Connection {
  readonly name: string;
  readonly driver: Driver;
  /**
   * Whether concurrent lookups of one row by key (`find`, `findBy`) made in one tick share a
   * statement (default true; `batchFinds: false` in the options sends each on its own).
   */
  readonly batchFinds?: boolean;
  /** Whether statements are counted for N+1 reports (which then want their call site). */
  readonly detectsNPlusOne?: boolean;
  /** Sends on the current transaction's session if this scope has one, else on the pool. */
  execute<Row = Record<string, unknown>>(statement: Statement): Promise<QueryResult<Row>>;
  /** Sends on a given session (a cursor's), with the same events and error handling. */
  executeOn<Row = Record<string, unknown>>(
    session: DriverSession,
    statement: Statement,
  ): Promise<QueryResult<Row>>;
  /** The session of the transaction open in this async scope, if any. */
  currentSession(): DriverSession | undefined;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  transaction<T>(options: TransactionOptions, fn: () => Promise<T>): Promise<T>;
  /**
   * Queues `fn` to run after the current transaction commits (or, with `onRollback`, after it
   * rolls back). Outside a transaction `fn` runs at once for commit and never for rollback.
   */
  afterCommit(fn: () => unknown, onRollback?: () => unknown): Promise<void>;
}

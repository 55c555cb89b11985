/** Rows and the number of rows a statement affected or returned. */
export interface QueryResult<Row = Record<string, unknown>> {
  rows: Row[];
  rowCount: number;
  /** The columns' names, in order: given when the rows are arrays (see `QueryOptions.arrays`). */
  fields?: readonly string[];
}

/**
 * Looks at a row as the driver reads it, before the statement's answer is complete: a head start
 * on work done again (or checked) once the answer is in, so a driver may call it for every row,
 * some rows or none (PGlite answers all rows at once, and does not call it). It must not throw.
 */
export type RowListener = (row: Record<string, unknown>) => void;

/** How a statement's rows are wanted. */
export interface QueryOptions {
  /** Shown each row (an object by name) as the driver reads it, where it can. */
  readonly onRow?: RowListener;
  /**
   * Each row as an array of its values in the order of `QueryResult.fields`, which the driver
   * then gives: no object made per row, nor a property written by a computed name for each
   * value. A driver that does not answer `fields` gives objects.
   */
  readonly arrays?: boolean;
}

/** Something statements can be sent to: the pool, or one session. */
export interface Queryable {
  query<Row = Record<string, unknown>>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
}

/** One database session held exclusively until released (for transactions and cursors). */
export interface DriverSession extends Queryable {
  /** Gives the session back; `broken` discards it instead (after a failed rollback, say). */
  release(broken?: boolean): void;
}

/**
 * What the ORM needs from a PostgreSQL engine. Errors from `query` are already translated
 * to the ORM's error classes.
 */
export interface Driver extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** `host:port/database` (or `pglite:memory`), for messages; never a password. */
  readonly target: string;
  /**
   * True when the engine has a single session, so a held session blocks every other statement
   * (PGlite). Cursors then use WITH HOLD instead of holding a session.
   */
  readonly singleSession: boolean;
  /**
   * How long a stream's own session waits for its reader to pull the next batch before the
   * cursor is closed and the session given back; undefined or 0: no bound.
   */
  readonly streamIdleTimeoutMs?: number;
  /** Checks that the database answers; throws ConnectionError naming the target otherwise. */
  connect(): Promise<void>;
  /**
   * A session of its own. `unbounded` lifts the time bounds for work that may rightly run long
   * (migrations: an index on a large table, a wait for the migrations lock); such a session is
   * discarded on release, so its settings never reach other work.
   */
  acquire(options?: { unbounded?: boolean }): Promise<DriverSession>;
  close(): Promise<void>;
}

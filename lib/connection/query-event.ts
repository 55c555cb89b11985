/**
 * One statement the ORM sent, for logs, metrics, tracing and tests that count queries.
 *
 * @example
 * Orm.connect({ onQuery: (e) => metrics.observe(e.durationMs) });
 */
export interface QueryEvent {
  readonly text: string;
  readonly durationMs: number;
  /** Rows returned or affected; 0 when the statement failed. */
  readonly rowCount: number;
  /** Name of the connection. */
  readonly connection: string;
  /** Which server ran it: the primary, or one of the read replicas (`replicas` option). */
  readonly target: 'primary' | 'replica';
  /** `host:port/database` of that server (`pglite:…` for embedded PostgreSQL). */
  readonly server: string;
  /** Bound values, only when `logValues` is on. */
  readonly values?: readonly unknown[];
  /** The error, when the statement failed. */
  readonly error?: Error;
}

import type { DriverSession, QueryOptions, QueryResult } from '../driver/driver';

/** The first statement of a transaction that failed, and how. */
export interface FailedStatement {
  readonly text: string;
  readonly error: Error;
}

/**
 * A transaction's session that remembers its first failed statement. After a failure
 * PostgreSQL answers COMMIT with a ROLLBACK (no error), so the commit must know whether the
 * application caught an error in between — whoever sent the statement (a model, a raw query,
 * a cursor) — to fail instead of resolving as if the work had been kept.
 */
export class FailureTrackingSession implements DriverSession {
  /** Cleared by a ROLLBACK TO SAVEPOINT that undid the failure. */
  failure?: FailedStatement;

  constructor(private readonly session: DriverSession) {}

  async query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    try {
      return await this.session.query<Row>(text, values, options);
    } catch (error) {
      this.failure ??= { text, error: error as Error };
      throw error;
    }
  }

  release(broken?: boolean): void {
    this.session.release(broken);
  }
}

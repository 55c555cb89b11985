import { TransactionError, type DatabaseErrorInfo } from './database-errors';

/**
 * A statement ran past a time bound and was stopped: the server's statement timeout
 * (`pool.statementTimeoutMs`, or a transaction's `timeout`), a cancel request (both SQLSTATE
 * 57014), or the client's `pool.queryTimeoutMs` when the server did not answer at all. It is a
 * `TransactionError`, like a transaction that outlives its `timeout`: the work was rolled back,
 * and running it again as is would most likely time out again.
 *
 * @example
 * catch (e) { if (e instanceof QueryTimeoutError) return reply.status(503).send('Try again later'); }
 */
export class QueryTimeoutError extends TransactionError {
  override readonly code = 'QUERY_TIMEOUT';

  constructor(
    message: string,
    info: DatabaseErrorInfo,
    /** The bound that was exceeded, when the client knows it. */
    readonly timeoutMs?: number,
  ) {
    super(message, info, false);
  }
}

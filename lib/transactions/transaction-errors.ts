import { TransactionError } from '../errors/database-errors';
import type { FailedStatement } from './failure-tracking-session';

/** The error of a transaction that cannot commit because a statement in it failed. */
export function notCommitted(failure: FailedStatement): TransactionError {
  const statement = failure.text.length > 200 ? `${failure.text.slice(0, 200)}…` : failure.text;
  return new TransactionError(
    `The transaction was rolled back, not committed: a statement in it failed (${failure.error.message}) ` +
      `and PostgreSQL keeps nothing of a transaction after a failed statement. The statement: ${statement}. ` +
      `To go on after a failure, run the statement in a nested transaction (a savepoint)`,
    { sqlState: '25P02', sql: failure.text },
    false,
  );
}

/** A call made where the transaction state does not allow it (propagation, a late statement). */
export function transactionStateError(problem: string, subject = 'This call'): TransactionError {
  return new TransactionError(`${subject} ${problem}`, { sqlState: '25000' }, false);
}

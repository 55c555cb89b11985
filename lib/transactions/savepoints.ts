import { runCallbacks } from './transaction-callbacks';
import type { TransactionHost } from './transaction-host';
import { undoWrites, type OpenTransaction } from './transaction-scope';

/**
 * `nested` inside an open transaction: a savepoint, rolled back alone when `fn` throws (its
 * failure, undo steps and callbacks with it); released when `fn` resolves.
 */
export async function runSavepoint<T>(
  host: TransactionHost,
  transaction: OpenTransaction,
  fn: () => Promise<T>,
): Promise<T> {
  const name = `sp_${++transaction.savepoints}`;
  const commits = transaction.afterCommit.length;
  const rollbacks = transaction.afterRollback.length;
  const undos = transaction.undo.length;
  const failureBefore = transaction.session.failure;
  await host.executeOn(transaction.session, { text: `SAVEPOINT ${name}`, values: [] });
  try {
    const result = await fn();
    await host.executeOn(transaction.session, { text: `RELEASE SAVEPOINT ${name}`, values: [] });
    return result;
  } catch (error) {
    await host.executeOn(transaction.session, {
      text: `ROLLBACK TO SAVEPOINT ${name}`,
      values: [],
    });
    // The savepoint undid what failed after it: the transaction can commit again.
    transaction.session.failure = failureBefore;
    undoWrites(transaction.undo.splice(undos));
    // Work undone with the savepoint commits nothing: its callbacks go, its rollback ones run.
    transaction.afterCommit.splice(commits);
    await runCallbacks(transaction.afterRollback.splice(rollbacks), 'after rollback');
    throw error;
  }
}

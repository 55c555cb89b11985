/**
 * Where a transaction begins, and how it ends.
 *
 * The life of a transaction (`Orm.transaction()`, which `Model.transaction`, `@Transactional`
 * and Nest's `TransactionInterceptor` call):
 * 1. Propagation: join the transaction already open in this async scope, open a savepoint in
 *    it (`savepoints.ts`: rolled back alone), run without one, or begin a new one.
 * 2. BEGIN (isolation, read only) on a session from the driver, wrapped in a
 *    `FailureTrackingSession`; with a timeout, `SET LOCAL statement_timeout` and a deadline
 *    (`transaction-deadline.ts`).
 * 3. `fn` runs in a scope (`transaction-scope.ts`) where this connection has the transaction
 *    open: every statement awaited inside goes through its session, each record written
 *    pushes an undo step (lib/model/rollback-undo.ts), `afterCommit` queues callbacks.
 * 4. `fn` resolved and no statement in it failed: COMMIT, release the session, run the
 *    after-commit callbacks (`transaction-callbacks.ts`).
 * 5. Otherwise ROLLBACK (past the deadline, close the connection instead), run the undo steps
 *    newest first so written records are as they were, forget the records loaded (the
 *    connection's `onRollback`), run the after-rollback callbacks and rethrow. Serialization
 *    failures and deadlocks begin again from 2, up to `retries` times.
 */
import { ConnectionError } from '../errors/connection-error';
import { TransactionError } from '../errors/database-errors';
import type { DriverSession } from '../driver/driver';
import { FailureTrackingSession } from './failure-tracking-session';
import { runSavepoint } from './savepoints';
import { runTransactionInTest } from './test-transaction';
import { runCallbacks } from './transaction-callbacks';
import { TransactionDeadlineError, withDeadline } from './transaction-deadline';
import { notCommitted, transactionStateError } from './transaction-errors';
import type { TransactionHost } from './transaction-host';
import {
  beginStatement,
  checkTransactionOptions,
  retryDelay,
  type TransactionOptions,
} from './transaction-options';
import {
  openTransaction,
  runWithoutTransaction,
  runWithTransaction,
  undoWrites,
  type OpenTransaction,
} from './transaction-scope';

/** Runs the transactions of one connection (`Orm.transaction` and `Orm.afterCommit`). */
export class TransactionRunner {
  /**
   * @param onRollback runs after a transaction rolled back and its undo steps ran, before the
   *   after-rollback callbacks (the connection forgets the records loaded in the request).
   */
  constructor(
    private readonly host: TransactionHost,
    private readonly onRollback: () => void,
  ) {}

  /** Applies propagation: joins the open transaction, opens a savepoint or a new transaction. */
  async transaction<T>(options: TransactionOptions, fn: () => Promise<T>): Promise<T> {
    checkTransactionOptions(options);
    const open = openTransaction(this.host);
    if (open?.test) return runTransactionInTest(this.host, open, options, fn, this.onRollback);
    switch (options.propagation ?? 'required') {
      case 'required':
        return open ? fn() : this.runNewTransaction(options, fn);
      case 'requiresNew':
        if (open && this.host.driver.singleSession) {
          throw transactionStateError(
            'cannot open a second transaction (propagation: requiresNew) while one is open: ' +
              'embedded PostgreSQL has a single connection, so it would wait for itself',
          );
        }
        return this.runNewTransaction(options, fn);
      case 'nested':
        return open ? runSavepoint(this.host, open, fn) : this.runNewTransaction(options, fn);
      case 'supports':
        return fn();
      case 'mandatory':
        if (!open) throw transactionStateError('needs a transaction (propagation: mandatory)');
        return fn();
      case 'never':
        if (open) throw transactionStateError('must not run in a transaction (propagation: never)');
        return runWithoutTransaction(this.host, fn);
    }
  }

  /**
   * Queues `fn` to run after the open transaction commits (and `onRollback` after it rolls
   * back); outside a transaction `fn` runs at once.
   */
  async afterCommit(fn: () => unknown, onRollback?: () => unknown): Promise<void> {
    const transaction = openTransaction(this.host);
    // Outside the code's own transactions, a test's transaction is not one it commits.
    if (!transaction || transaction === transaction.test?.root) {
      await runCallbacks([fn], 'after commit');
      return;
    }
    transaction.afterCommit.push(fn);
    if (onRollback) transaction.afterRollback.push(onRollback);
  }

  /** A new transaction, re-run on serialization failures and deadlocks up to `retries`. */
  private async runNewTransaction<T>(
    options: TransactionOptions,
    fn: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runTransactionOnce(options, fn);
      } catch (error) {
        const retryable = error instanceof TransactionError && error.retryable;
        if (!retryable || attempt >= (options.retries ?? 0)) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt)));
      }
    }
  }

  /** BEGIN, `fn` in the transaction's scope, then COMMIT, or ROLLBACK when anything failed. */
  private async runTransactionOnce<T>(
    options: TransactionOptions,
    fn: () => Promise<T>,
  ): Promise<T> {
    const host = this.host;
    const session = new FailureTrackingSession(await this.acquireSession());
    const transaction: OpenTransaction = {
      session,
      finished: false,
      savepoints: 0,
      afterCommit: [],
      afterRollback: [],
      undo: [],
    };
    let healthy = true;
    let result: T;
    try {
      await host.executeOn(session, { text: beginStatement(options), values: [] });
      if (options.timeout) {
        // Checked integer: the server cancels any statement still running at the deadline.
        await host.executeOn(session, {
          text: `SET LOCAL statement_timeout = ${options.timeout}`,
          values: [],
        });
      }
      const work = runWithTransaction(host, transaction, fn);
      result = await (options.timeout ? withDeadline(work, options.timeout) : work);
      transaction.finished = true;
      // PostgreSQL would answer this COMMIT with a ROLLBACK: say so instead of resolving.
      if (session.failure) throw notCommitted(session.failure);
      await host.executeOn(session, { text: 'COMMIT', values: [] });
    } catch (error) {
      transaction.finished = true;
      if (error instanceof TransactionDeadlineError && !host.driver.singleSession) {
        // A statement may still hang on this connection (a stalled backend): a ROLLBACK would
        // queue behind it. Closing the connection ends the transaction on the server instead.
        healthy = false;
      } else {
        await host.executeOn(session, { text: 'ROLLBACK', values: [] }).catch(() => {
          healthy = false;
        });
      }
      session.release(!healthy);
      // Records written inside are as they were before; loaded ones may no longer match rows.
      undoWrites(transaction.undo);
      this.onRollback();
      await runCallbacks(transaction.afterRollback, 'after rollback');
      throw error;
    }
    // Committed: a failure to note the position must not turn the commit into an error.
    await host.committed?.(session, transaction).catch(() => undefined);
    session.release();
    await runCallbacks(transaction.afterCommit, 'after commit');
    return result;
  }

  /**
   * A session for a new transaction. Waiting for one while this scope already holds another in
   * an open transaction is how a pool deadlocks (every connection held, each holder waiting for
   * one more): when the wait times out, the error says so.
   */
  private async acquireSession(): Promise<DriverSession> {
    try {
      return await this.host.driver.acquire();
    } catch (error) {
      if (error instanceof ConnectionError && openTransaction(this.host)) {
        throw new ConnectionError(
          `${error.message}. This code holds a connection in an open transaction and waited for a ` +
            `second one (propagation: requiresNew); when every pooled connection is held that way, ` +
            `none is ever released. Join the open transaction (required or nested), or raise pool.max`,
          error.target,
        );
      }
      throw error;
    }
  }
}

export { transactionStateError } from './transaction-errors';

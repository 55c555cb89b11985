/**
 * A test's transaction: everything a connection runs between `begin()` and `rollback()` — in
 * the test, in hooks, in HTTP requests the test sends to the app — runs in one transaction
 * that is rolled back at the end, so each test starts from the same data.
 *
 * The code under test keeps its transaction semantics, on savepoints:
 * - a transaction it opens (`transaction()`, `@Transactional`, `TransactionInterceptor`, the
 *   unit of work) is a savepoint: rolled back alone when it fails, and when it succeeds its
 *   `afterCommit` callbacks run, as after a COMMIT;
 * - a statement sent outside any transaction runs in a savepoint of its own, so a failed one
 *   (a unique violation the code turns into a 409) does not abort the test's transaction;
 * - `requiresNew` cannot be independent of the test's transaction: it is a savepoint too.
 *   Isolation levels, read-only and server-side timeouts do not apply inside a test's
 *   transaction (a savepoint cannot change them).
 * Units (a transaction, or a statement outside one) run one at a time: concurrent requests of
 * a test queue instead of interleaving savepoints on the one session.
 */
import type { QueryOptions, QueryResult } from '../driver/driver';
import { FailureTrackingSession } from './failure-tracking-session';
import { runSavepoint } from './savepoints';
import { TestTransactionState } from './test-transaction-state';
import { runCallbacks } from './transaction-callbacks';
import { withDeadline } from './transaction-deadline';
import { notCommitted, transactionStateError } from './transaction-errors';
import type { TransactionHost } from './transaction-host';
import type { TransactionOptions } from './transaction-options';
import {
  openTransaction,
  runWithTransaction,
  setEnclosingTransaction,
  undoWrites,
  type OpenTransaction,
} from './transaction-scope';

const openTests = new WeakMap<TransactionHost, TestTransaction>();

/** Rolls back the test transaction open on `host`, if any (before the connection closes). */
export async function rollbackTestTransaction(host: TransactionHost): Promise<void> {
  await openTests.get(host)?.rollback();
}

/** A test's transaction on one connection. */
export class TestTransaction {
  private constructor(
    private readonly host: TransactionHost,
    private readonly root: OpenTransaction,
    private readonly state: TestTransactionState,
    private readonly onRollback: () => void,
  ) {}

  /**
   * BEGIN on a session of its own, which every statement of the connection uses until
   * `rollback()`. `onRollback` runs after the ROLLBACK (the connection forgets loaded records).
   */
  static async begin(host: TransactionHost, onRollback: () => void): Promise<TestTransaction> {
    if (openTransaction(host)?.test) {
      throw transactionStateError('cannot begin: a test transaction is already open', 'A test');
    }
    const session = new FailureTrackingSession(await host.driver.acquire());
    try {
      await host.executeOn(session, { text: 'BEGIN', values: [] });
    } catch (error) {
      session.release(true);
      throw error;
    }
    const state = new TestTransactionState(session);
    const root: OpenTransaction = {
      session: new SavepointPerStatement(session, state),
      finished: false,
      savepoints: 0,
      afterCommit: [],
      afterRollback: [],
      undo: [],
      test: state,
    };
    state.root = root;
    setEnclosingTransaction(host, root);
    const test = new TestTransaction(host, root, state, onRollback);
    openTests.set(host, test);
    return test;
  }

  /**
   * Rolls everything back once the units already queued are done; statements sent after this
   * (a promise the test did not await) are refused rather than leaking into the next test.
   */
  async rollback(): Promise<void> {
    if (this.root.finished) return;
    this.root.finished = true;
    let healthy = true;
    await this.state
      .serialize(() => this.host.executeOn(this.state.session, { text: 'ROLLBACK', values: [] }))
      .catch(() => {
        healthy = false;
      });
    setEnclosingTransaction(this.host, undefined);
    openTests.delete(this.host);
    this.state.session.release(!healthy);
    this.onRollback();
  }
}

/**
 * Applies propagation inside a test's transaction: the code's own transactions become
 * savepoints that commit their callbacks (see the file comment).
 */
export function runTransactionInTest<T>(
  host: TransactionHost,
  open: OpenTransaction,
  options: TransactionOptions,
  fn: () => Promise<T>,
  onRollback: () => void,
): Promise<T> {
  const state = open.test!;
  if (state.root?.finished) {
    return Promise.reject(
      transactionStateError(
        'began after its test ended (a promise was not awaited)',
        'A transaction',
      ),
    );
  }
  const inCodeTransaction = open !== state.root;
  switch (options.propagation ?? 'required') {
    case 'required':
      return inCodeTransaction ? fn() : runAsSavepoint(host, state, options, fn, onRollback);
    case 'requiresNew':
    case 'nested':
      return inCodeTransaction
        ? runSavepoint(host, open, fn)
        : runAsSavepoint(host, state, options, fn, onRollback);
    case 'supports':
      return fn();
    case 'mandatory':
      if (!inCodeTransaction) {
        throw transactionStateError('needs a transaction (propagation: mandatory)');
      }
      return fn();
    case 'never':
      if (inCodeTransaction) {
        throw transactionStateError('must not run in a transaction (propagation: never)');
      }
      return fn();
  }
}

/** A transaction of the code under test, as a savepoint of the test's, queued with the others. */
async function runAsSavepoint<T>(
  host: TransactionHost,
  state: TestTransactionState,
  options: TransactionOptions,
  fn: () => Promise<T>,
  onRollback: () => void,
): Promise<T> {
  const session = state.session;
  const transaction: OpenTransaction = {
    session,
    finished: false,
    savepoints: 0,
    afterCommit: [],
    afterRollback: [],
    undo: [],
    test: state,
  };
  const outcome = await state.serialize(async () => {
    const name = `test_transaction_${++state.savepoints}`;
    await host.executeOn(session, { text: `SAVEPOINT ${name}`, values: [] });
    try {
      const work = runWithTransaction(host, transaction, fn);
      const result = await (options.timeout ? withDeadline(work, options.timeout) : work);
      transaction.finished = true;
      // A real COMMIT would roll back here: the savepoint must not pretend otherwise.
      if (session.failure) throw notCommitted(session.failure);
      await host.executeOn(session, { text: `RELEASE SAVEPOINT ${name}`, values: [] });
      return { committed: true as const, result };
    } catch (error) {
      transaction.finished = true;
      await host.executeOn(session, { text: `ROLLBACK TO SAVEPOINT ${name}`, values: [] });
      await host.executeOn(session, { text: `RELEASE SAVEPOINT ${name}`, values: [] });
      session.failure = undefined;
      return { committed: false as const, error };
    }
  });
  // Callbacks run after the unit left the queue: their own statements queue behind it.
  if (outcome.committed) {
    await runCallbacks(transaction.afterCommit, 'after commit');
    return outcome.result;
  }
  undoWrites(transaction.undo);
  onRollback();
  await runCallbacks(transaction.afterRollback, 'after rollback');
  throw outcome.error;
}

/**
 * The session of statements sent outside the code's transactions: each in a savepoint, so a
 * failure is undone alone and the test's transaction goes on, as it would without one.
 */
class SavepointPerStatement extends FailureTrackingSession {
  constructor(
    private readonly inner: FailureTrackingSession,
    private readonly state: TestTransactionState,
  ) {
    super(inner);
  }

  override query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    return this.state.serialize(async () => {
      await this.inner.query('SAVEPOINT test_statement', []);
      try {
        const result = await this.inner.query<Row>(text, values, options);
        await this.inner.query('RELEASE SAVEPOINT test_statement', []);
        return result;
      } catch (error) {
        await this.inner.query('ROLLBACK TO SAVEPOINT test_statement', []).catch(() => undefined);
        await this.inner.query('RELEASE SAVEPOINT test_statement', []).catch(() => undefined);
        this.inner.failure = undefined;
        throw error;
      }
    });
  }

  override release(broken?: boolean): void {
    this.inner.release(broken);
  }
}

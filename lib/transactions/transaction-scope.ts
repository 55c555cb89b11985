import { AsyncLocalStorage } from 'node:async_hooks';
import type { FailureTrackingSession } from './failure-tracking-session';
import type { TestTransactionState } from './test-transaction-state';

/** A transaction open in the current async scope, for one connection. */
export interface OpenTransaction {
  readonly session: FailureTrackingSession;
  /** Set once COMMIT or ROLLBACK was sent: statements from stray promises are refused. */
  finished: boolean;
  /** Savepoints opened so far, for unique names. */
  savepoints: number;
  /** Run once, in order, after the outermost COMMIT. */
  readonly afterCommit: Array<() => unknown>;
  /** Run once, in order, after a ROLLBACK of the outermost transaction. */
  readonly afterRollback: Array<() => unknown>;
  /**
   * Put records back as they were before each write, run newest first on a rollback (of the
   * transaction, or of the savepoint the writes were made under).
   */
  readonly undo: Array<() => void>;
  /**
   * Set on a test's transaction (see `test-transaction.ts`) and on the transactions the code
   * under test opens inside it, which become savepoints of it.
   */
  readonly test?: TestTransactionState;
}

/** Runs undo steps newest first, so each record ends as it was before its first write. */
export function undoWrites(steps: ReadonlyArray<() => void>): void {
  for (let i = steps.length - 1; i >= 0; i--) steps[i]!();
}

/** Open transactions by connection; a new scope copies its parent's map. */
type Scope = ReadonlyMap<object, OpenTransaction>;

const storage = new AsyncLocalStorage<Scope>();

/**
 * Transactions that enclose everything a connection runs, in any async scope: a test's, opened
 * in one hook and rolled back in another, around HTTP requests the test makes.
 */
const enclosing = new WeakMap<object, OpenTransaction>();

/** The transaction this async scope holds on `connection`, else one enclosing it, if any. */
export function openTransaction(connection: object): OpenTransaction | undefined {
  return storage.getStore()?.get(connection) ?? enclosing.get(connection);
}

/** Makes `transaction` enclose every statement of `connection` (undefined: no longer). */
export function setEnclosingTransaction(
  connection: object,
  transaction: OpenTransaction | undefined,
): void {
  if (transaction) enclosing.set(connection, transaction);
  else enclosing.delete(connection);
}

/** Runs `fn` in a scope where `connection` has `transaction` open; it follows every await. */
export function runWithTransaction<T>(
  connection: object,
  transaction: OpenTransaction,
  fn: () => Promise<T>,
): Promise<T> {
  const scope = new Map(storage.getStore() ?? []);
  scope.set(connection, transaction);
  return storage.run(scope, fn);
}

/** Runs `fn` where `connection` has no transaction (propagation `never` or `supports`). */
export function runWithoutTransaction<T>(connection: object, fn: () => Promise<T>): Promise<T> {
  const scope = new Map(storage.getStore() ?? []);
  scope.delete(connection);
  return storage.run(scope, fn);
}

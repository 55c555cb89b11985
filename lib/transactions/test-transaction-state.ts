import type { FailureTrackingSession } from './failure-tracking-session';
import type { OpenTransaction } from './transaction-scope';

/**
 * What a test's transaction shares with the transactions opened inside it: the one session
 * they all use, and a queue that runs their units one at a time — each transaction of the code
 * under test, and each statement sent outside any — so that concurrent requests of a test never
 * interleave their savepoints.
 */
export class TestTransactionState {
  private tail: Promise<unknown> = Promise.resolve();
  /** Savepoints opened so far, for unique names. */
  savepoints = 0;
  /** The test's own transaction, which statements outside the code's transactions join. */
  root?: OpenTransaction;

  constructor(readonly session: FailureTrackingSession) {}

  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

import { performance } from 'node:perf_hooks';

/** What `pg` rejects a statement with when its answer did not come in time. */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * The client-side bound on one statement's answer (`pool.queryTimeoutMs`), for one connection.
 *
 * `pg`'s own `query_timeout` starts and clears a timer for every statement and wraps the
 * statement's callback after it is made; measured on a 50-row select, that costs a third more
 * client CPU per statement, most of it in the garbage collector (each wrapped statement's rows
 * outlive the young generation). Here a connection keeps one timer: a statement only writes its
 * deadline, and the timer, when it fires, either rejects the statement it finds overdue or
 * sleeps until the running statement's own deadline.
 */
export class QueryDeadline {
  /** When the running statement's answer is due (a `performance.now()` time); 0 when idle. */
  private due = 0;
  private reject: ((error: Error) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** A statement was sent: `reject` fails it if no answer came within the timeout. */
  start(reject: (error: Error) => void): void {
    this.due = performance.now() + this.timeoutMs;
    this.reject = reject;
    if (!this.timer) this.wake(this.timeoutMs);
  }

  /** The statement that `reject` belongs to was answered. */
  stop(reject: (error: Error) => void): void {
    if (this.reject !== reject) return;
    this.due = 0;
    this.reject = undefined;
  }

  private wake(afterMs: number): void {
    this.timer = setTimeout(this.check, afterMs);
    // The connection's socket keeps the process alive while a statement waits; an idle
    // connection's timer must not.
    this.timer.unref();
  }

  private readonly check = (): void => {
    this.timer = undefined;
    if (this.due === 0) return;
    const left = this.due - performance.now();
    if (left > 0) return this.wake(Math.ceil(left));
    const reject = this.reject!;
    this.stop(reject);
    reject(new Error(QUERY_READ_TIMEOUT));
  };
}

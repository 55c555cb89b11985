import { ConnectionError } from '../errors/connection-error';

/**
 * A FIFO lock over the single session of an embedded engine, with an acquire timeout so a
 * waiter fails clearly instead of hanging (e.g. a statement sent outside an open transaction).
 */
export class SessionLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly acquireTimeoutMs: number,
    private readonly target: string,
  ) {}

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(
          new ConnectionError(
            `Timed out after ${this.acquireTimeoutMs} ms waiting for the ${this.target} session: ` +
              'it is held by a transaction or cursor that has not finished (a statement outside ' +
              'an open transaction waits for it to end)',
            this.target,
          ),
        );
      }, this.acquireTimeoutMs);
      this.waiters.push(grant);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

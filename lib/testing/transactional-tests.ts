import { onConnectionOpened, openConnections } from '../transactions/connection-registry';
import { globalTestHooks, type TestHooks } from './test-hooks';

export interface TransactionalTestsOptions {
  /** The runner's hooks; by default its globals (jest, vitest with `globals: true`). */
  hooks?: TestHooks;
  /** Only these connections (by name); default every connection open during the test. */
  connections?: readonly string[];
}

/**
 * Runs each test in a transaction rolled back at its end, on every connection open when the
 * test starts and every one opened during it (a Nest app booted in `beforeEach`): the test,
 * its hooks, and the HTTP requests it sends to the app all see the same data, and nothing
 * they write outlives the test. The code under test keeps its transaction semantics on
 * savepoints: see "Testing" in the README.
 *
 * @example
 * // a set-up file, or the top of a test file
 * useTransactionalTests();
 */
export function useTransactionalTests(options: TransactionalTestsOptions = {}): void {
  const hooks = options.hooks ?? globalTestHooks();
  const wanted = (name: string) => !options.connections || options.connections.includes(name);
  const open: Array<{ rollback(): Promise<void> }> = [];
  let stopWatching: (() => void) | undefined;

  hooks.beforeEach(async () => {
    for (const connection of openConnections()) {
      if (wanted(connection.name)) open.push(await connection.beginTestTransaction());
    }
    stopWatching = onConnectionOpened(async (connection) => {
      if (wanted(connection.name)) open.push(await connection.beginTestTransaction());
    });
  });

  hooks.afterEach(async () => {
    stopWatching?.();
    stopWatching = undefined;
    const ending = open.splice(0);
    await Promise.all(ending.map((transaction) => transaction.rollback()));
  });
}

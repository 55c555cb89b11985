/** The hooks of a test runner that the kit registers its work with (jest's or vitest's). */
export interface TestHooks {
  beforeAll?(fn: () => unknown): void;
  beforeEach(fn: () => unknown): void;
  afterEach(fn: () => unknown): void;
}

/**
 * The runner's global hooks: jest always has them, vitest with `globals: true` (as the app
 * `nest new` writes configures it). Without globals, pass `{ beforeEach, afterEach }` from
 * `vitest` explicitly.
 */
export function globalTestHooks(): TestHooks {
  const scope = globalThis as Partial<TestHooks>;
  if (typeof scope.beforeEach !== 'function' || typeof scope.afterEach !== 'function') {
    throw new TypeError(
      'No test runner hooks found: run this in a jest or vitest test file (vitest needs ' +
        '`globals: true`), or pass them: useTransactionalTests({ hooks: { beforeEach, afterEach } })',
    );
  }
  return { beforeAll: scope.beforeAll, beforeEach: scope.beforeEach, afterEach: scope.afterEach };
}

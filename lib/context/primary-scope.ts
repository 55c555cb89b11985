import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with every statement it awaits sent to the primary, reads included: for a read that
 * must see what another process just wrote, or that feeds a write. Without read replicas
 * configured, everything goes to the primary anyway.
 *
 * @example
 * const stock = await onPrimary(() => Item.where({ sku }).pluck('stock'));
 */
export function onPrimary<T>(fn: () => T): T {
  return storage.run(true, fn);
}

/** Whether the current async scope runs inside `onPrimary()`. */
export function runsOnPrimary(): boolean {
  return storage.getStore() === true;
}

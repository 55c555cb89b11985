import type { TransactionOptions } from './transaction-options';
import { connectionNamed } from './connection-registry';

/** Options of `@Transactional()`: transaction options, and the connection's name. */
export interface TransactionalOptions extends TransactionOptions {
  connection?: string;
}

/**
 * Runs the decorated (async) method in a transaction on the named connection (default
 * `default`); everything it awaits joins it, with no manager passed around. Works on Nest
 * providers and controllers, and on plain classes.
 *
 * @example
 * @Transactional({ isolation: 'serializable', retries: 3 })
 * async transfer(from: number, to: number, amount: number) { … }
 */
export function Transactional(options: TransactionalOptions = {}): MethodDecorator {
  const { connection, ...transaction } = options;
  return (_target, _property, descriptor) => {
    const method = descriptor.value as unknown as (...args: unknown[]) => Promise<unknown>;
    if (typeof method !== 'function') {
      throw new TypeError('@Transactional() decorates methods');
    }
    const wrapped = function (this: unknown, ...args: unknown[]) {
      return connectionNamed(connection).transaction(transaction, () => method.apply(this, args));
    };
    // Keep the name and metadata Nest reads from the original (route, guards, pipes).
    Object.defineProperty(wrapped, 'name', { value: method.name });
    for (const key of Reflect.getMetadataKeys?.(method) ?? []) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, method), wrapped);
    }
    descriptor.value = wrapped as never;
    return descriptor;
  };
}

/**
 * Runs `fn` after the current transaction on the named connection commits (at once outside a
 * transaction); nothing runs when it rolls back.
 *
 * @example
 * afterCommit(() => mailer.send(receipt));
 */
export function afterCommit(fn: () => unknown, connection?: string): Promise<void> {
  return connectionNamed(connection).afterCommit(fn);
}

import { OrmError } from '../errors/orm-error';
import type { TransactionOptions } from './transaction-options';

/**
 * An open connection as the transaction entry points that cannot be injected see it
 * (`@Transactional`, `afterCommit()`, Nest's `TransactionInterceptor`). `Orm` registers itself
 * when it connects and leaves when it closes.
 */
export interface NamedConnection {
  readonly name: string;
  transaction<T>(options: TransactionOptions, fn: () => Promise<T>): Promise<T>;
  afterCommit(fn: () => unknown, onRollback?: () => unknown): Promise<void>;
  beginTestTransaction(): Promise<{ rollback(): Promise<void> }>;
}

const connections = new Map<string, NamedConnection>();
const openedListeners = new Set<(connection: NamedConnection) => void | Promise<void>>();

/**
 * Calls `listener` with each connection opened from now on, before `connect()` resolves to
 * it (the testing kit begins a test's transaction there); returns the unsubscribe function.
 */
export function onConnectionOpened(
  listener: (connection: NamedConnection) => void | Promise<void>,
): () => void {
  openedListeners.add(listener);
  return () => openedListeners.delete(listener);
}

export function registerConnection(connection: NamedConnection): void {
  connections.set(connection.name, connection);
}

/** Tells the listeners a connection is ready for use (connected, migrated when asked). */
export async function announceConnection(connection: NamedConnection): Promise<void> {
  for (const listener of openedListeners) await listener(connection);
}

/** The connections open now. */
export function openConnections(): NamedConnection[] {
  return [...connections.values()];
}

export function unregisterConnection(connection: NamedConnection): void {
  if (connections.get(connection.name) === connection) connections.delete(connection.name);
}

/** The open connection of that name (for decorators and helpers that cannot be injected). */
export function connectionNamed(name = 'default'): NamedConnection {
  const connection = connections.get(name);
  if (!connection) {
    throw new OrmError(
      'NO_CONNECTION',
      `No open connection named "${name}": open it with OrmModule.forRoot() or Orm.connect() first`,
    );
  }
  return connection;
}

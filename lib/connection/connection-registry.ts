import { OrmError } from '../errors/orm-error';
import type { Orm } from './orm';

const connections = new Map<string, Orm>();

export function registerConnection(orm: Orm): void {
  connections.set(orm.name, orm);
}

export function unregisterConnection(orm: Orm): void {
  if (connections.get(orm.name) === orm) connections.delete(orm.name);
}

/** The open connection of that name (for decorators and helpers that cannot be injected). */
export function connectionNamed(name = 'default'): Orm {
  const orm = connections.get(name);
  if (!orm) {
    throw new OrmError(
      'NO_CONNECTION',
      `No open connection named "${name}": open it with OrmModule.forRoot() or Orm.connect() first`,
    );
  }
  return orm;
}

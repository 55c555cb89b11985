import type { Connection } from '../context/connection';
import type { HookEvent } from '../metadata/model-declarations';

/**
 * Receives the lifecycle events of the models it is registered for — the same moments as the
 * hook decorators, after the model's own hooks. In Nest, a provider decorated with
 * `@OrmSubscriber(User)` is registered for you and can inject services (a mailer, an audit log).
 * A `before*` method that throws or returns false aborts the operation.
 *
 * @example
 * class AuditSubscriber implements ModelSubscriber<User> { afterSave(user: User) { … } }
 */
export type ModelSubscriber<T = object> = {
  [E in HookEvent]?: (record: T) => unknown;
};

const registry = new WeakMap<Connection, Map<object, ModelSubscriber[]>>();

export function addSubscriber(
  connection: Connection,
  models: readonly object[],
  subscriber: ModelSubscriber<never>,
): void {
  let byModel = registry.get(connection);
  if (!byModel) registry.set(connection, (byModel = new Map()));
  for (const model of models) {
    const list = byModel.get(model) ?? [];
    list.push(subscriber as ModelSubscriber);
    byModel.set(model, list);
  }
}

const none: readonly ModelSubscriber[] = [];

/** Subscribers of a model class (and of its ancestors) on a connection. */
export function subscribersOf(
  connection: Connection,
  modelClass: object,
): readonly ModelSubscriber[] {
  const byModel = registry.get(connection);
  if (!byModel) return none;
  const found: ModelSubscriber[] = [];
  for (
    let c: object | null = modelClass;
    c && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    const list = byModel.get(c);
    if (list) found.unshift(...list);
  }
  return found;
}

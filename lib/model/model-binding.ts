import { OrmError } from '../errors/orm-error';
import type { Connection } from '../context/connection';
import type { ModelMeta } from '../metadata/model-meta';
import type { Repository } from './repository';

/** A model class bound to the connection its statics use. */
export interface ModelBinding {
  readonly meta: ModelMeta;
  readonly connection: Connection;
  readonly repository: Repository<never>;
}

const bindings = new WeakMap<object, ModelBinding>();

export function setBinding(modelClass: object, binding: ModelBinding): void {
  bindings.set(modelClass, binding);
}

export function clearBinding(modelClass: object, connection: Connection): void {
  if (bindings.get(modelClass)?.connection === connection) bindings.delete(modelClass);
}

export function findBinding(modelClass: object): ModelBinding | undefined {
  return bindings.get(modelClass);
}

export function bindingOf(modelClass: { name: string }): ModelBinding {
  const binding = bindings.get(modelClass);
  if (!binding) {
    throw new OrmError(
      'MODEL_NOT_BOUND',
      `${modelClass.name} is not bound to a connection: list it in OrmModule.forRoot({ models }) ` +
        `or Orm.connect({ models }), or decorate it with @Table() before the connection opens`,
    );
  }
  return binding;
}

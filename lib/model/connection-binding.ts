import { OrmError } from '../errors/orm-error';
import type { Connection } from '../context/connection';
import type { ModelMeta } from '../metadata/model-meta';
import type { Query } from '../query/query';

/**
 * What code other than `Model` asks of the repository a class is bound to: its base query,
 * and building, saving and destroying its records with their lifecycle.
 *
 * Declared here rather than taken from `Repository`: the repository calls into the
 * associations, which save parents and destroy dependents through the repositories of other
 * models; a binding typed with `Repository` itself would close that into a cycle of imports.
 * `Orm` binds a `Repository`, so the compiler checks that it still fits.
 */
export interface BoundRepository {
  all(): Query<never>;
  build(attributes?: never): object;
  save(record: object): Promise<unknown>;
  destroy(record: object): Promise<void>;
}

/** A model class bound to the connection its statics use. */
export interface ModelBinding {
  readonly meta: ModelMeta;
  readonly connection: Connection;
  readonly repository: BoundRepository;
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

/** The repository of a related model (the target of a relation). */
export function repositoryFor(meta: ModelMeta): BoundRepository {
  return bindingOf(meta.modelClass).repository;
}

import type { ModelMeta } from '../metadata/model-meta';
import { RecordWithState, withStateField } from './record-state';

/** Makes the object of one record read from the database, before its columns are copied in. */
export type RecordFactory = () => object;

const factories = new WeakMap<ModelMeta, RecordFactory>();

/**
 * How hydration makes a model's records. When the model's constructor does nothing but declare
 * fields, records read from the database skip it, as Rails' `allocate` does: an app compiled
 * the way `nest new` sets it up defines every declared field on each instance (`undefined`
 * until set), so a constructed record has its relation fields as own properties, hiding the
 * relation accessors, and deleting them is most of the cost of hydrating a row (two relations:
 * ~90 ns of a record's ~130 ns). A model whose constructor does more — an initial value, a
 * private member, a constructor of its own, a field the ORM does not know — is constructed.
 *
 * @example
 * const record = recordFactoryOf(meta)();
 */
export function recordFactoryOf(meta: ModelMeta): RecordFactory {
  let factory = factories.get(meta);
  if (!factory) {
    factory = constructorOnlyDeclaresFields(meta) ? allocator(meta) : constructing(meta);
    factories.set(meta, factory);
  }
  return factory;
}

function constructing(meta: ModelMeta): RecordFactory {
  const Model = meta.modelClass as unknown as new () => object;
  return () => new Model();
}

function allocator(meta: ModelMeta): RecordFactory {
  // A plain function with the model's prototype: its objects are allocated with room for the
  // properties the first ones got, as the model's own are (Object.create's are not).
  function Allocated(): void {}
  Allocated.prototype = (meta.modelClass as unknown as { prototype: object }).prototype;
  const Allocate = Allocated as unknown as new () => object;
  return () => withStateField(new Allocate());
}

/**
 * Whether constructing a record does no more than define its declared fields as `undefined`.
 * The classes between the model and this package's `Model` are read as written: a
 * constructor of their own or a private member (which only construction gives an object)
 * rules the shortcut out, and a class compiled to a function is not read at all. Then one
 * instance is made: every own property must be a column or relation, still `undefined`.
 */
function constructorOnlyDeclaresFields(meta: ModelMeta): boolean {
  let current: unknown = meta.modelClass;
  while (Object.getPrototypeOf(current) !== RecordWithState) {
    if (typeof current !== 'function' || !declaresOnlyFields(current as () => unknown)) {
      return false;
    }
    current = Object.getPrototypeOf(current);
  }
  const instance = new (meta.modelClass as unknown as new () => Record<string, unknown>)();
  const declared = new Set([...meta.fieldNames, ...meta.relationNames]);
  return Reflect.ownKeys(instance).every(
    (key) => typeof key === 'string' && declared.has(key) && instance[key] === undefined,
  );
}

function declaresOnlyFields(modelClass: (...args: never[]) => unknown): boolean {
  const source = Function.prototype.toString.call(modelClass);
  return source.startsWith('class') && !/#|\bconstructor\s*\(/.test(source);
}

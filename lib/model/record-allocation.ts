import type { ModelMeta } from '../metadata/model-meta';
import { RecordWithState, withStateField } from './record-state';

/** Makes the object of one record read from the database, before its columns are copied in. */
export type RecordFactory = () => object;

const factories = new WeakMap<ModelMeta, RecordFactory>();
const builders = new WeakMap<ModelMeta, RecordFactory>();

/** How a model whose constructor only declares fields has its records made without it. */
interface Allocation {
  readonly allocate: RecordFactory;
  /** The column fields the constructor defines, in its order. */
  readonly columnFields: readonly string[];
}

/** Per model: its allocation, or null when its records must be constructed. */
const allocations = new WeakMap<ModelMeta, Allocation | null>();

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
    factory = allocationOf(meta)?.allocate ?? constructing(meta);
    factories.set(meta, factory);
  }
  return factory;
}

/** Whether the model's records read from the database are allocated, running none of its code. */
export function recordsAreAllocated(meta: ModelMeta): boolean {
  return allocationOf(meta) !== undefined;
}

/**
 * How `build()` makes a new record: as its constructor would, without the relation fields that
 * hide the relation accessors. When the constructor only declares fields, the record is
 * allocated as loaded ones are (by the same function, so both start from one hidden class) and
 * given the column fields the constructor defines, in its order, instead of being constructed
 * and having its relation fields deleted (~3 µs of a single insert).
 */
export function newRecordFactoryOf(meta: ModelMeta): RecordFactory {
  let factory = builders.get(meta);
  if (!factory) {
    const allocation = allocationOf(meta);
    factory = allocation ? defining(allocation) : constructingUnshadowed(meta);
    builders.set(meta, factory);
  }
  return factory;
}

function allocationOf(meta: ModelMeta): Allocation | undefined {
  let allocation = allocations.get(meta);
  if (allocation === undefined) {
    const fields = declaredFields(meta);
    const columns = new Set(meta.fieldNames);
    allocation = fields
      ? { allocate: allocator(meta), columnFields: fields.filter((field) => columns.has(field)) }
      : null;
    allocations.set(meta, allocation);
  }
  return allocation ?? undefined;
}

function constructing(meta: ModelMeta): RecordFactory {
  const Model = meta.modelClass as unknown as new () => object;
  return () => new Model();
}

function constructingUnshadowed(meta: ModelMeta): RecordFactory {
  const construct = constructing(meta);
  return () => {
    const record = construct();
    if (meta.relationNames.length) unshadowRelations(meta, [record]);
    return record;
  };
}

function defining({ allocate, columnFields }: Allocation): RecordFactory {
  return () => {
    const record = allocate() as Record<string, unknown>;
    for (const field of columnFields) record[field] = undefined;
    return record;
  };
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
 * When constructing a record does no more than define its declared fields as `undefined`: the
 * fields it defines, in order (none where class fields are not defined on instances); else
 * undefined. The classes between the model and this package's `Model` are read as written: a
 * constructor of their own or a private member (which only construction gives an object)
 * rules the shortcut out, and a class compiled to a function is not read at all. Then one
 * instance is made: every own property must be a column or relation, still `undefined`.
 */
function declaredFields(meta: ModelMeta): readonly string[] | undefined {
  let current: unknown = meta.modelClass;
  while (Object.getPrototypeOf(current) !== RecordWithState) {
    if (typeof current !== 'function' || !declaresOnlyFields(current as () => unknown)) {
      return undefined;
    }
    current = Object.getPrototypeOf(current);
  }
  const instance = new (meta.modelClass as unknown as new () => Record<string, unknown>)();
  const declared = new Set([...meta.fieldNames, ...meta.relationNames]);
  const keys = Reflect.ownKeys(instance);
  const onlyDeclared = keys.every(
    (key) => typeof key === 'string' && declared.has(key) && instance[key] === undefined,
  );
  return onlyDeclared ? (keys as string[]) : undefined;
}

function declaresOnlyFields(modelClass: (...args: never[]) => unknown): boolean {
  const source = Function.prototype.toString.call(modelClass);
  return source.startsWith('class') && !/#|\bconstructor\s*\(/.test(source);
}

/**
 * With `useDefineForClassFields` (the default of TypeScript for ES2022 and later targets, so
 * of new Nest apps), a declared relation field is an own property of each instance that hides
 * the relation accessor on the prototype; removing it lets the accessor answer (and refuse to
 * lie about unloaded relations).
 *
 * They are removed last-defined first: V8 undoes the addition of an object's last property,
 * so relation fields declared after the columns leave the record in the fast shape of the
 * columns alone. Any other deletion turns the record into a dictionary, whose every property
 * access is slower (the README asks for relations after the columns).
 */
export function unshadowRelations(meta: ModelMeta, records: readonly object[]): void {
  const first = records[0]!;
  if (!Object.hasOwn(first, meta.relationNames[0]!)) return;
  const names = removalOrder(meta, first);
  for (const record of records) {
    for (const name of names) delete (record as Record<string, unknown>)[name];
  }
}

const removalOrders = new WeakMap<ModelMeta, readonly string[]>();

/** The relation fields in the reverse of their definition order (the same for every instance). */
function removalOrder(meta: ModelMeta, record: object): readonly string[] {
  let names = removalOrders.get(meta);
  if (!names) {
    const relations = new Set(meta.relationNames);
    names = Object.keys(record)
      .filter((key) => relations.has(key))
      .reverse();
    removalOrders.set(meta, names);
  }
  return names;
}

import { OrmError } from '../errors/orm-error';
import { RelationNotLoadedError } from '../errors/relation-errors';
import type { ModelMeta } from '../metadata/model-meta';
import type { BelongsToMeta, RelationMeta } from '../metadata/relation-meta';
import { bindingOf } from '../model/connection-binding';
import { stateOf, type RecordState } from '../model/record-state';
import {
  forgetLoadedRelation,
  isRelationLoaded,
  setLoadedRelation,
} from '../model/loaded-relations';
import { unlinkedColumns } from './links';

type Row = Record<string, unknown>;

/**
 * Makes each relation property an accessor: reading an unloaded relation throws
 * RelationNotLoadedError instead of answering `undefined`; assigning a belongsTo sets the
 * foreign key. Installed on the model's prototype when the model is bound.
 */
export function installRelationAccessors(meta: ModelMeta): void {
  const prototype = (meta.modelClass as unknown as { prototype: object }).prototype;
  for (const name of meta.relationNames) {
    Object.defineProperty(prototype, name, {
      configurable: true,
      enumerable: false,
      get(this: object) {
        return readRelation(this, name);
      },
      set(this: object, value: unknown) {
        writeRelation(this, name, value);
      },
    });
  }
}

function relationOf(record: object, name: string): RelationMeta {
  return bindingOf(record.constructor).meta.relation(name)!;
}

/** What `loadedValue` answers for a relation that holds nothing it can tell. */
export const NOT_LOADED = Symbol('not loaded');

/**
 * The relation's loaded value on the record, or NOT_LOADED: also when a loaded parent no
 * longer matches the foreign key (it is forgotten then).
 */
export function loadedValue(record: object, state: RecordState, relation: RelationMeta): unknown {
  const name = relation.property;
  if (!isRelationLoaded(state, name)) return NOT_LOADED;
  const value = state.relations![name];
  if (relation.kind !== 'belongsTo' || pointsAt(relation, record, value)) return value;
  // The foreign key changed since the parent was loaded: the loaded parent is stale.
  forgetLoadedRelation(state, name);
  return NOT_LOADED;
}

function readRelation(record: object, name: string): unknown {
  const state = stateOf(record);
  const relation = relationOf(record, name);
  const loaded = loadedValue(record, state, relation);
  if (loaded !== NOT_LOADED) return loaded;
  if (!state.persisted) {
    // A new record has no related rows yet, except a parent named by a key set by hand.
    const empty = emptyValue(relation);
    if (relation.kind !== 'belongsTo' || relation.foreignKey.valuesOf(record) === undefined) {
      setLoadedRelation(state, name, empty);
      return empty;
    }
  }
  throw new RelationNotLoadedError(record.constructor.name, name);
}

/** What a relation of a record without related rows holds: an empty collection, or null. */
function emptyValue(relation: RelationMeta): unknown[] | null {
  return relation.kind === 'hasMany' || relation.kind === 'manyToMany' ? [] : null;
}

/** Whether a loaded belongsTo value still matches the record's foreign key. */
function pointsAt(relation: BelongsToMeta, record: object, value: unknown): boolean {
  if (value !== null && !relation.foreignKey.composite && relation.targets.length === 1) {
    // The common case, read on every access: one column on each side, no arrays.
    const parent = value as Row;
    if (parent.constructor !== relation.targets[0]!.modelClass) return false;
    const parentKey = parent[relation.otherKey(relation.targets[0]!).properties[0]!];
    if (parentKey === null || parentKey === undefined) return true;
    return parentKey === (record as Row)[relation.foreignKey.properties[0]!];
  }
  const key = relation.foreignKey.valuesOf(record);
  if (value === null) return key === undefined;
  const parent = value as Row;
  const target = relation.targets.find((t) => t.modelClass === parent.constructor);
  if (!target) return false;
  const parentKey = relation.otherKey(target).valuesOf(parent);
  // A new parent has no key yet: it is assigned, and saved first when the record is saved.
  if (parentKey === undefined) return true;
  return key !== undefined && parentKey.every((part, i) => part === key[i]);
}

function writeRelation(record: object, name: string, value: unknown): void {
  const relation = relationOf(record, name);
  const state = stateOf(record);
  if (relation.kind !== 'belongsTo') {
    // Accept the empty collection a field initializer assigns to a new record; anything else
    // would make the property disagree with the database.
    if (!state.persisted && (value === null || (Array.isArray(value) && value.length === 0))) {
      setLoadedRelation(state, name, emptyValue(relation));
      return;
    }
    throw new OrmError(
      'RELATION_READ_ONLY',
      `${record.constructor.name}.${name} cannot be assigned; use record.build('${name}', …), ` +
        `record.addTo('${name}', …) or record.removeFrom('${name}', …)`,
    );
  }
  assignBelongsTo(relation, record, value);
  setLoadedRelation(state, name, value);
}

/** Sets the foreign key (and type) from an assigned parent. */
function assignBelongsTo(relation: BelongsToMeta, record: object, value: unknown): void {
  const row = record as Row;
  if (value === null || value === undefined) {
    for (const c of unlinkedColumns(relation.foreignKey)) row[c.property] = null;
    if (relation.typeKey) row[relation.typeKey.property] = null;
    return;
  }
  const target = relation.targets.find((t) => t.modelClass === (value as object).constructor);
  if (!target) {
    throw new OrmError(
      'INVALID_RELATION_VALUE',
      `${relation.owner.className}.${relation.property} takes a ${relation.targets.map((t) => t.className).join(' or ')} record`,
    );
  }
  // Every column of the key is set: a composite reference is never half assigned.
  const key = relation.otherKey(target).valuesOf(value as object);
  if (key !== undefined) relation.foreignKey.assign(record, key);
  if (relation.typeKey) row[relation.typeKey.property] = target.className;
}

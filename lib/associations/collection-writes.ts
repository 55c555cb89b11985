import { OrmError } from '../errors/orm-error';
import type { ModelMeta } from '../metadata/model-meta';
import type { HasManyMeta, ManyToManyMeta } from '../metadata/relation-meta';
import type { QuerySource } from '../query/query-source';
import { repositoryFor } from '../model/connection-binding';
import { stateOf } from '../model/record-state';
import { relationStore } from '../model/relation-store';
import { deleteJoinRows, insertJoinRows, linkToOwner, unlinkFromOwner } from './links';
import { relationNamed } from './relation-lookup';

/**
 * `article.addTo('tags', a, b)`: links records (saving new ones first). For manyToMany, one
 * INSERT of the missing join rows; for hasMany, each record's foreign key is set and saved.
 */
export async function addToAssociation(
  source: QuerySource<object>,
  record: object,
  name: string,
  items: readonly object[],
): Promise<void> {
  const relation = collectionRelation(source.meta, name);
  const key = ownerKey(source.meta, record, relation);
  checkTargets(relation, items);
  await source.connection.transaction(async () => {
    if (relation.kind === 'manyToMany') {
      for (const item of items)
        if (!stateOf(item).persisted) await repositoryFor(relation.target).save(item);
      const targetKeys = items
        .map((i) => relation.targetKey.valuesOf(i))
        .filter((k) => k !== undefined);
      await insertJoinRows(source.connection, relation, key, targetKeys);
    } else {
      for (const item of items) {
        Object.assign(item, linkToOwner(relation, key));
        await repositoryFor(relation.target).save(item);
      }
    }
  });
  if (relationStore.isLoaded(record, name)) {
    const loaded = relationStore.get(record, name);
    const same = sameRecord(relation);
    if (relation.kind === 'hasOne') relationStore.set(record, name, items.at(-1) ?? null);
    else if (Array.isArray(loaded)) {
      for (const item of items) if (!loaded.some((r) => same(r, item))) loaded.push(item);
    }
  }
  stateOf(record).counts?.delete(name);
}

/**
 * `article.removeFrom('tags', tag)`: unlinks records. For manyToMany the join rows are
 * deleted; for hasMany the records' foreign keys are set to null and saved.
 */
export async function removeFromAssociation(
  source: QuerySource<object>,
  record: object,
  name: string,
  items: readonly object[],
): Promise<void> {
  const relation = collectionRelation(source.meta, name);
  const key = ownerKey(source.meta, record, relation);
  checkTargets(relation, items);
  if (relation.kind === 'manyToMany') {
    const targetKeys = items
      .map((i) => relation.targetKey.valuesOf(i))
      .filter((k) => k !== undefined);
    // One statement: no transaction needed.
    await deleteJoinRows(source.connection, relation, key, targetKeys);
  } else {
    await source.connection.transaction(async () => {
      for (const item of items) {
        // A record that belongs to another owner is left alone.
        if (relation.foreignKey.hashOf(item) !== relation.localKey.hash(key)) continue;
        Object.assign(item, unlinkFromOwner(relation));
        await repositoryFor(relation.target).save(item);
      }
    });
  }
  if (relationStore.isLoaded(record, name)) {
    const loaded = relationStore.get(record, name);
    const same = sameRecord(relation);
    const removed = (r: unknown) => items.some((item) => same(r, item));
    if (Array.isArray(loaded))
      relationStore.set(
        record,
        name,
        loaded.filter((r) => !removed(r)),
      );
    else if (removed(loaded)) relationStore.set(record, name, null);
  }
  stateOf(record).counts?.delete(name);
}

/** The relation of a collection write: a belongsTo is assigned, not added to. */
function collectionRelation(meta: ModelMeta, name: string): HasManyMeta | ManyToManyMeta {
  const relation = relationNamed(meta, name);
  if (relation.kind === 'belongsTo') {
    throw new OrmError(
      'INVALID_RELATION_WRITE',
      `${meta.className}.${name} is a belongsTo: assign the record (record.${name} = parent) instead`,
    );
  }
  return relation;
}

/** The owner's key the linked records will refer to; the owner must have a row. */
function ownerKey(
  meta: ModelMeta,
  record: object,
  relation: HasManyMeta | ManyToManyMeta,
): readonly unknown[] {
  const key = relation.localKey.valuesOf(record);
  if (key === undefined || !stateOf(record).persisted) {
    throw new OrmError(
      'OWNER_NOT_SAVED',
      `${meta.className}.${relation.property}: save the ${meta.className} before linking records to it`,
    );
  }
  return key;
}

function checkTargets(relation: HasManyMeta | ManyToManyMeta, items: readonly object[]): void {
  for (const item of items) {
    if (!item || item.constructor !== relation.target.modelClass) {
      throw new OrmError(
        'INVALID_RELATION_VALUE',
        `${relation.owner.className}.${relation.property} takes ${relation.target.className} records`,
      );
    }
  }
}

/** Compares related records by primary key (two loads give two objects for one row). */
function sameRecord(relation: HasManyMeta | ManyToManyMeta) {
  const key = relation.target.key;
  return (a: unknown, b: unknown): boolean => {
    if (a === b) return true;
    if (!a || !b) return false;
    const hash = key.hashOf(a as object);
    return hash !== undefined && hash === key.hashOf(b as object);
  };
}

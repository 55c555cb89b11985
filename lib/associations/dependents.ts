import type { Connection } from '../context/connection';
import { OrmError } from '../errors/orm-error';
import { DeleteRestrictedError } from '../errors/relation-errors';
import type { KeyColumns } from '../metadata/key-columns';
import type { ModelMeta } from '../metadata/model-meta';
import type { HasManyMeta } from '../metadata/relation-meta';
import { createQuery } from '../query/model-query';
import { repositoryFor } from '../model/connection-binding';
import { querySource } from '../model/model-query-source';
import { forgetRelation } from '../model/relation-store';
import { deleteAllJoinRows, linkToOwner, unlinkFromOwner } from './links';

/** Whether destroying a record of this model has related rows to handle first. */
export function hasDependents(meta: ModelMeta): boolean {
  return meta.relationNames.some((name) => {
    const relation = meta.relation(name)!;
    return (
      relation.kind === 'manyToMany' || (relation.kind !== 'belongsTo' && !!relation.dependent)
    );
  });
}

/**
 * Applies `dependent` before a record is deleted: restrict checks first, then nullify or
 * destroy the children (their own dependents too), and delete manyToMany join rows.
 */
export async function destroyDependents(
  meta: ModelMeta,
  record: object,
  connection: Connection,
): Promise<void> {
  const relations = meta.relationNames.map((n) => meta.relation(n)!);
  const ownerKey = (key: KeyColumns) => {
    const values = key.valuesOf(record);
    if (!values) {
      throw new OrmError(
        'MISSING_PRIMARY_KEY',
        `This ${meta.className} has no ${key.properties.join(', ')}: its dependents cannot be found`,
      );
    }
    return values;
  };
  const children = (relation: HasManyMeta) =>
    createQuery<object>(querySource(relation.target, connection)).where(
      linkToOwner(relation, ownerKey(relation.localKey)) as never,
    );
  // Every restriction is checked before anything is changed.
  for (const relation of relations) {
    if (
      (relation.kind === 'hasMany' || relation.kind === 'hasOne') &&
      relation.dependent === 'restrict'
    ) {
      if (await children(relation).exists()) {
        throw new DeleteRestrictedError(meta.className, relation.property);
      }
    }
  }
  for (const relation of relations) {
    if (relation.kind === 'manyToMany') {
      await deleteAllJoinRows(connection, relation, ownerKey(relation.localKey));
      forgetRelation(record, relation.property);
    } else if (relation.kind !== 'belongsTo' && relation.dependent === 'nullify') {
      await children(relation).updateAll(unlinkFromOwner(relation) as never);
    } else if (relation.kind !== 'belongsTo' && relation.dependent === 'destroy') {
      for (const child of await children(relation))
        await repositoryFor(relation.target).destroy(child);
    }
  }
}

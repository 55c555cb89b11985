import type { ModelMeta } from '../metadata/model-meta';
import { repositoryFor } from '../model/connection-binding';
import { loadedRelation } from '../model/loaded-relations';
import { stateOf } from '../model/record-state';
import { parentRelations } from './relation-lookup';

// Parents assigned to a record (`post.author = user`) before it is written: a new parent is
// saved first, and the parent's key becomes the record's foreign key.

type Row = Record<string, unknown>;

/** Whether the record was given a parent that is not saved yet (`post.author = User.build()`). */
export function hasUnsavedParent(meta: ModelMeta, record: object): boolean {
  const state = stateOf(record);
  if (!state.relations) return false;
  return parentRelations(meta).some((relation) => {
    const parent = loadedRelation(state, relation.property);
    return parent !== null && typeof parent === 'object' && !stateOf(parent).persisted;
  });
}

/** Saves assigned parents that are new, then copies their keys, before the record is saved. */
export async function saveAssignedParents(meta: ModelMeta, record: object): Promise<void> {
  const state = stateOf(record);
  if (!state.relations) return;
  for (const relation of parentRelations(meta)) {
    const parent = loadedRelation(state, relation.property);
    if (!parent || stateOf(parent).persisted) continue;
    const target = relation.targets.find((t) => t.modelClass === parent.constructor)!;
    await repositoryFor(target).save(parent as object);
  }
  copyParentKeys(meta, record);
}

/**
 * Copies the keys of assigned parents (saved since they were assigned) to the foreign keys.
 * The unit of work calls it too, once it has inserted the parents of a flush.
 */
export function copyParentKeys(meta: ModelMeta, record: object): void {
  const state = stateOf(record);
  if (!state.relations) return;
  for (const relation of parentRelations(meta)) {
    const parent = loadedRelation(state, relation.property) as Row | null | undefined;
    if (!parent) continue;
    const target = relation.targets.find((t) => t.modelClass === parent.constructor)!;
    const key = relation.otherKey(target).valuesOf(parent);
    if (key !== undefined) relation.foreignKey.assign(record, key);
  }
}

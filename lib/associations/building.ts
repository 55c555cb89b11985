import { OrmError } from '../errors/orm-error';
import type { ModelMeta } from '../metadata/model-meta';
import { repositoryFor } from '../model/connection-binding';
import { stateOf } from '../model/record-state';
import { relationStore } from '../model/relation-store';
import { linkToOwner } from './links';
import { relationNamed } from './relation-lookup';

type Row = Record<string, unknown>;

/**
 * `user.build('posts', { title })`: a new related record with its key to the owner set
 * (not saved); added to the loaded collection when there is one. `post.build('author', …)`
 * assigns a new parent, saved first when the post is saved.
 */
export function buildAssociated(
  meta: ModelMeta,
  record: object,
  name: string,
  attributes: unknown,
): object {
  const relation = relationNamed(meta, name);
  const owner = record as Row;
  switch (relation.kind) {
    case 'belongsTo': {
      if (relation.typeKey) {
        throw new OrmError(
          'INVALID_RELATION_WRITE',
          `${meta.className}.build('${name}'): a polymorphic parent cannot be built; assign a record instead`,
        );
      }
      const parent = repositoryFor(relation.targets[0]!).build(attributes as never);
      owner[name] = parent;
      return parent;
    }
    case 'hasMany':
    case 'hasOne': {
      const key = relation.localKey.valuesOf(owner);
      if (key === undefined) {
        throw new OrmError(
          'OWNER_NOT_SAVED',
          `${meta.className}.build('${name}'): save the ${meta.className} first, so the new record can refer to it`,
        );
      }
      const child = repositoryFor(relation.target).build({
        ...(attributes as object),
        ...linkToOwner(relation, key),
      } as never);
      if (relationStore.isLoaded(record, name)) {
        const loaded = relationStore.get(record, name);
        if (relation.kind === 'hasOne') relationStore.set(record, name, child);
        else if (Array.isArray(loaded)) loaded.push(child);
      }
      stateOf(record).counts?.delete(name);
      return child;
    }
    case 'manyToMany':
      throw new OrmError(
        'INVALID_RELATION_WRITE',
        `${meta.className}.build('${name}'): save the new record, then link it with addTo('${name}', record)`,
      );
  }
}

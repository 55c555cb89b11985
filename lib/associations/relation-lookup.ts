import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ModelMeta } from '../metadata/model-meta';
import type { BelongsToMeta, RelationMeta } from '../metadata/relation-meta';

/**
 * The relation a caller names (`record.load('author')`, `record.addTo('tags', …)`). The name
 * often comes from a request, so anything that is not a declared relation — `__proto__`
 * included — is refused with the model's relation names.
 */
export function relationNamed(meta: ModelMeta, name: string): RelationMeta {
  const relation = typeof name === 'string' ? meta.relation(name) : undefined;
  if (!relation) {
    throw new InvalidQueryError(
      `${meta.className} has no relation ${JSON.stringify(name)}; relations: ${meta.relationNames.join(', ') || 'none'}`,
      meta.className,
      name,
    );
  }
  return relation;
}

/** The model's belongsTo relations: the parents its records refer to by a foreign key. */
export function parentRelations(meta: ModelMeta): BelongsToMeta[] {
  const parents: BelongsToMeta[] = [];
  for (const name of meta.relationNames) {
    const relation = meta.relation(name)!;
    if (relation.kind === 'belongsTo') parents.push(relation);
  }
  return parents;
}

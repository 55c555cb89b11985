import type { ModelMeta } from '../metadata/model-meta';
import { parentRelations } from '../associations/relation-lookup';

/**
 * The order in which a flush writes the models of its records: each model after the models
 * it belongs to (belongsTo edges among the models given, polymorphic targets included), so an
 * INSERT finds its parents' rows and keys. Deletes run in the reverse order, children first.
 *
 * A depth-first walk in the order given: reaching a model places its parents first. Models
 * with no edge between them keep their given order. A cycle has no order that satisfies all
 * its edges; the walk does not enter a model it is already inside, so a model that belongs to
 * itself is placed once, and of two models that belong to each other the one given first is
 * placed after the other.
 */
export function commitOrder(metas: readonly ModelMeta[]): ModelMeta[] {
  const ordered: ModelMeta[] = [];
  const visiting = new Set<ModelMeta>();
  const visit = (meta: ModelMeta) => {
    if (ordered.includes(meta) || visiting.has(meta)) return;
    visiting.add(meta);
    for (const relation of parentRelations(meta)) {
      for (const parent of relation.targets) if (metas.includes(parent)) visit(parent);
    }
    ordered.push(meta);
  };
  metas.forEach(visit);
  return ordered;
}

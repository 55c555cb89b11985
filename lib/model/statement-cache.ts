import type { ModelMeta } from '../metadata/model-meta';
import type { StatementNode } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';

/** Statement shapes kept per model; a model rarely has more than a few dozen. */
const MAX_SHAPES_PER_MODEL = 256;

/**
 * Two generations: hits in `recent` cost one lookup (no recency bookkeeping on the hot path);
 * when it fills, it becomes `older` and the previous `older` is dropped, so shapes still in use
 * are promoted back on their next hit and at most MAX_SHAPES_PER_MODEL texts are kept.
 */
interface ShapeCache {
  recent: Map<string, string>;
  older: Map<string, string>;
}

const caches = new WeakMap<ModelMeta, ShapeCache>();

/**
 * SQL text of a model's recurring statements (find by key, insert or update of a given set
 * of columns), compiled once per shape. The hot path then only collects values.
 *
 * @example
 * const text = cachedText(meta, 'find', () => findNode(meta)); // compiled on first use only
 */
export function cachedText(meta: ModelMeta, shape: string, build: () => StatementNode): string {
  let cache = caches.get(meta);
  if (!cache) {
    cache = { recent: new Map(), older: new Map() };
    caches.set(meta, cache);
  }
  const text = cache.recent.get(shape);
  if (text !== undefined) return text;
  const kept = cache.older.get(shape) ?? compileStatement(build()).text;
  if (cache.recent.size >= MAX_SHAPES_PER_MODEL / 2) {
    cache.older = cache.recent;
    cache.recent = new Map();
  }
  cache.recent.set(shape, kept);
  return kept;
}

import type { ModelMeta } from '../metadata/model-meta';
import type { StatementNode } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';

/** Statement shapes kept per model; a model rarely has more than a few dozen. */
const MAX_SHAPES_PER_MODEL = 256;

const caches = new WeakMap<ModelMeta, Map<string, string>>();

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
    cache = new Map();
    caches.set(meta, cache);
  }
  let text = cache.get(shape);
  if (text === undefined) {
    text = compileStatement(build()).text;
    if (cache.size >= MAX_SHAPES_PER_MODEL) cache.delete(cache.keys().next().value!);
    cache.set(shape, text);
  } else {
    // Refresh recency so the bound evicts the least recently used shape.
    cache.delete(shape);
    cache.set(shape, text);
  }
  return text;
}

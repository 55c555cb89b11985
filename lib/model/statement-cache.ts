import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
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
  recent: Map<Shape, string>;
  older: Map<Shape, string>;
}

/** What tells a statement apart from the model's others: a name, or see `writeShape`. */
type Shape = string | number;

/** Models of up to this many columns key their writes by a number (a bit per column). */
const MAX_MASKED_COLUMNS = 30;

/**
 * The shape of an INSERT or UPDATE of `fields` (in the order of `meta.columns`), given as
 * `written`, a bit per column of `meta.columns`: that number itself for an INSERT, a negative
 * one for an UPDATE. A string naming the columns would be built and then hashed character by
 * character on every save (~4 µs of a single insert); a number is hashed at once. Models of
 * more columns are keyed by the names.
 */
export function writeShape(
  meta: ModelMeta,
  kind: 'insert' | 'update',
  written: number,
  fields: readonly ColumnMeta[],
): Shape {
  if (meta.columns.length > MAX_MASKED_COLUMNS)
    return `${kind}:${fields.map((f) => f.property).join(',')}`;
  return kind === 'insert' ? written : -1 - written;
}

/** The bit of the column at `index` of `meta.columns` in a shape's `written` (see `writeShape`). */
export function columnBit(index: number): number {
  return index < MAX_MASKED_COLUMNS ? 1 << index : 0;
}

const caches = new WeakMap<ModelMeta, ShapeCache>();

/**
 * SQL text of a model's recurring statements (find by key, insert or update of a given set
 * of columns), compiled once per shape. The hot path then only collects values.
 *
 * @example
 * const text = cachedText(meta, 'find', () => findNode(meta)); // compiled on first use only
 */
export function cachedText(meta: ModelMeta, shape: Shape, build: () => StatementNode): string {
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

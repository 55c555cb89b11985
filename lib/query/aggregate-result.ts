import type { ColumnMeta } from '../metadata/model-meta';

type Numeric<V> =
  NonNullable<V> extends number ? number : NonNullable<V> extends string ? string : never;

/**
 * The type of `sum`/`avg` over a field: numbers for number fields, exact decimal strings for
 * `numeric` and `bigint` fields (which the driver returns as strings). `avg` of no rows is null.
 */
export type AggregateResult<V, F extends 'sum' | 'avg'> = F extends 'sum'
  ? Numeric<V>
  : Numeric<V> | null;

const exactTypes = new Set(['numeric', 'bigint']);

/** Converts a raw sum/avg/min/max to the field's JavaScript type. */
export function aggregateValue(
  field: ColumnMeta,
  fn: 'sum' | 'avg' | 'min' | 'max',
  raw: unknown,
): unknown {
  if (fn === 'min' || fn === 'max') return raw ?? null;
  const exact = exactTypes.has(field.type);
  if (raw === null || raw === undefined) {
    // Like Rails: the sum of no rows is zero; their average is unknown.
    return fn === 'sum' ? (exact ? '0' : 0) : null;
  }
  return exact ? String(raw) : Number(raw);
}

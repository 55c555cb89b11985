import type { KeyColumns } from '../metadata/key-columns';
import type { SqlType } from '../metadata/model-meta';
import { and, column, param, type Expr } from '../sql/nodes';

// Conditions on keys, one column or several: the WHERE of a write by primary key, the
// correlation of a relation filter, the batch of a relation load.

type Tuple = readonly unknown[];

/** The key's columns as one operand: `"id"`, or `ROW("tenant_id", "id")`. */
export function keyOperand(names: readonly string[], table?: string): Expr {
  return names.length === 1
    ? column(names[0]!, table)
    : { kind: 'row', items: names.map((n) => column(n, table)) };
}

/**
 * `"id" = $1`, or `ROW("tenant_id", "id") = ROW($1, $2)`. Without values the parameters are
 * placeholders, for statement text compiled once and sent with values collected per record.
 */
export function keyEquals(key: KeyColumns, values?: Tuple, table?: string): Expr {
  const params = key.columns.map((_, i) => param(values?.[i]));
  return {
    kind: 'binary',
    operator: '=',
    left: keyOperand(key.names, table),
    right: params.length === 1 ? params[0]! : { kind: 'row', items: params },
  };
}

/** Columns of one table equal to those of another, pair by pair (a join or a correlation). */
export function keysMatch(
  left: readonly string[],
  leftTable: string | undefined,
  right: readonly string[],
  rightTable: string | undefined,
): Expr {
  return and(
    left.map((name, i) => ({
      kind: 'binary' as const,
      operator: '=' as const,
      left: column(name, leftTable),
      right: column(right[i]!, rightTable),
    })),
  );
}

/**
 * Rows whose columns `names` hold one of `tuples`: `"id" = ANY($1)` for one column,
 * `ROW("tenant_id", "order_id") IN (SELECT * FROM unnest($1, $2))` for several. Either way
 * one array parameter per column, so the statement does not grow with the number of keys.
 */
export function keyIn(
  names: readonly string[],
  types: readonly SqlType[],
  tuples: readonly Tuple[],
  table?: string,
): Expr {
  const arrays = names.map((_, i) =>
    param(
      tuples.map((t) => t[i]),
      { ...types[i]!, array: true },
    ),
  );
  if (names.length === 1) {
    return { kind: 'inArray', left: column(names[0]!, table), array: arrays[0]!, negated: false };
  }
  return { kind: 'inUnnest', left: keyOperand(names, table), arrays };
}

import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ModelMeta } from '../metadata/model-meta';
import { and, param, type Expr, type OrderNode } from '../sql/nodes';
import { checkedValue } from '../metadata/checked-value';

/**
 * The condition for "rows after this cursor" in a given order:
 * `(a > x) OR (a = x AND b > y) …`, with `<` for descending items. Works for mixed
 * directions; the cursor must hold a non-null value for every ordered field.
 */
export function keysetCondition(
  meta: ModelMeta,
  order: readonly OrderNode[],
  cursor: Record<string, unknown>,
): Expr {
  if (order.length === 0) {
    throw new InvalidQueryError(
      `${meta.className}.after() needs an order (ending with a unique field such as the primary key)`,
      meta.className,
    );
  }
  const keys = order.map((item) => {
    if (item.expr.kind !== 'column')
      throw new InvalidQueryError(
        `${meta.className}.after() works with field orderings only`,
        meta.className,
      );
    const field = meta.columnByName(item.expr.name)!;
    if (field.nullable) {
      throw new InvalidQueryError(
        `${meta.className}.after(): ${field.property} is nullable, and rows where it is NULL cannot be paged by keyset; order by non-null fields`,
        meta.className,
        field.property,
      );
    }
    const value = cursor[field.property];
    if (value === undefined || value === null) {
      throw new InvalidQueryError(
        `${meta.className}.after(): the cursor needs a non-null ${field.property}`,
        meta.className,
        field.property,
      );
    }
    return {
      expr: item.expr,
      value: param(checkedValue(meta, field, value)),
      operator: item.direction === 'ASC' ? '>' : '<',
    } as const;
  });
  const branches = keys.map((key, i) =>
    and([
      ...keys.slice(0, i).map((prior): Expr => ({
        kind: 'binary',
        operator: '=',
        left: prior.expr,
        right: prior.value,
      })),
      { kind: 'binary', operator: key.operator, left: key.expr, right: key.value },
    ]),
  );
  return branches.length === 1 ? branches[0]! : { kind: 'or', items: branches };
}

import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ModelMeta } from '../metadata/model-meta';
import { column, type OrderNode } from '../sql/nodes';
import { SqlFragment } from '../sql/sql-fragment';
import { isPlainObject, unknownField } from './where-parser';

const directions: Record<string, 'ASC' | 'DESC'> = {
  asc: 'ASC',
  desc: 'DESC',
  ASC: 'ASC',
  DESC: 'DESC',
};
const nullsOrder: Record<string, 'FIRST' | 'LAST'> = { first: 'FIRST', last: 'LAST' };

/**
 * Turns `order()` arguments into ORDER BY items: field names and directions are checked
 * against the model, so request input like `?sort=` cannot inject SQL.
 *
 * @example
 * parseOrder(meta, [{ createdAt: 'desc' }, 'id']);
 */
export function parseOrder(meta: ModelMeta, inputs: readonly unknown[]): OrderNode[] {
  const nodes: OrderNode[] = [];
  for (const input of inputs) {
    if (input instanceof SqlFragment) {
      nodes.push({ expr: { kind: 'fragment', fragment: input }, direction: 'ASC' });
    } else if (typeof input === 'string') {
      nodes.push({ expr: column(fieldColumn(meta, input)), direction: 'ASC' });
    } else if (isPlainObject(input)) {
      for (const key of Object.keys(input)) nodes.push(orderItem(meta, key, input[key]));
    } else {
      throw new InvalidQueryError(
        `${meta.className}.order() expects field names or { field: 'asc' | 'desc' }`,
        meta.className,
      );
    }
  }
  return nodes;
}

function orderItem(meta: ModelMeta, key: string, spec: unknown): OrderNode {
  const expr = column(fieldColumn(meta, key));
  if (typeof spec === 'string' && directions[spec]) return { expr, direction: directions[spec] };
  if (isPlainObject(spec)) {
    const unknown = Object.keys(spec).find((k) => k !== 'direction' && k !== 'nulls');
    const direction = spec.direction === undefined ? 'ASC' : directions[spec.direction as string];
    const nulls = spec.nulls === undefined ? undefined : nullsOrder[spec.nulls as string];
    if (!unknown && direction && (spec.nulls === undefined || nulls)) {
      return nulls ? { expr, direction, nulls } : { expr, direction };
    }
  }
  throw new InvalidQueryError(
    `${meta.className}.order(): ${JSON.stringify(key)} needs 'asc' or 'desc' (or { direction, nulls: 'first' | 'last' })`,
    meta.className,
    key,
  );
}

function fieldColumn(meta: ModelMeta, property: string): string {
  const field = meta.column(property);
  if (!field) throw unknownField(meta, property);
  return field.name;
}

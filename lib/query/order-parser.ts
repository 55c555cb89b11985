import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ModelMeta } from '../metadata/model-meta';
import { column, param, type Expr, type OrderNode } from '../sql/nodes';
import { SqlFragment } from '../sql/sql-fragment';
import { isPlainObject, own } from '../util/objects';
import { unknownField } from './field-lookup';
import { keysMatch } from './key-conditions';

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
      nodes.push({ expr: { kind: 'fragment', fragment: input }, direction: 'ASC', verbatim: true });
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
  if (!meta.column(key) && meta.relation(key) && isPlainObject(spec)) {
    return relationOrderItem(meta, key, spec);
  }
  const expr = column(fieldColumn(meta, key));
  const direction = typeof spec === 'string' ? own(directions, spec) : undefined;
  if (direction) return { expr, direction };
  if (isPlainObject(spec)) {
    const unknown = Object.keys(spec).find((k) => k !== 'direction' && k !== 'nulls');
    const direction =
      spec.direction === undefined ? 'ASC' : own(directions, String(spec.direction));
    const nulls = spec.nulls === undefined ? undefined : own(nullsOrder, String(spec.nulls));
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
  // The order of rows by a secret tells where the secret sits among the others'.
  if (meta.hidden.has(property)) {
    throw new InvalidQueryError(
      `${meta.className}.${property} is @Hidden(): rows are not ordered by it; write sql\`…\` where code truly needs to`,
      meta.className,
      property,
    );
  }
  return field.name;
}

/**
 * `order({ author: { name: 'asc' } })`: orders by a column of a belongsTo or hasOne record,
 * read by a correlated scalar subquery (no join, so no duplicated rows).
 */
function relationOrderItem(meta: ModelMeta, key: string, spec: Record<string, unknown>): OrderNode {
  const relation = meta.relation(key)!;
  const keys = Object.keys(spec);
  const singular =
    (relation.kind === 'belongsTo' && !relation.typeKey) || relation.kind === 'hasOne';
  if (!singular || keys.length !== 1) {
    throw new InvalidQueryError(
      `${meta.className}.order(): order through "${key}" needs a belongsTo or hasOne relation and one field, e.g. { ${key}: { name: 'asc' } }`,
      meta.className,
      key,
    );
  }
  const alias = 'o1';
  const target = relation.kind === 'belongsTo' ? relation.targets[0]! : relation.target;
  const inner = orderItem(target, keys[0]!, spec[keys[0]!]);
  const link: Expr =
    relation.kind === 'belongsTo'
      ? keysMatch(relation.otherKey(target).names, alias, relation.foreignKey.names, meta.tableName)
      : keysMatch(relation.foreignKey.names, alias, relation.localKey.names, meta.tableName);
  if (inner.expr.kind !== 'column') {
    throw new InvalidQueryError(
      `${meta.className}.order(): order through one relation level only ("${key}")`,
      meta.className,
      key,
    );
  }
  const value = column(inner.expr.name, alias);
  return {
    ...inner,
    expr: {
      kind: 'subquery',
      query: {
        kind: 'select',
        from: target.tableName,
        alias,
        columns: [value],
        where: link,
        limit: param(1),
      },
    },
  };
}

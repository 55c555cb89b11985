import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ColumnMeta } from '../metadata/model-meta';
import { column, param, star, type Expr, type SelectNode } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import { aggregateValue } from './aggregate-result';
import type { AttributeKeys } from './attribute-types';
import { fieldOf } from './field-lookup';
import { GroupedQuery } from './grouped-query';
import type { QuerySource } from './query-source';
import type { QueryState } from './query-state';
import { conditionsOf, selectNode, whereOf } from './select-statement';

/** The number of rows the query matches (within its limit and offset). */
export async function countRows(source: QuerySource<unknown>, state: QueryState): Promise<number> {
  const value = await aggregate(source, state, {
    kind: 'aggregate',
    fn: 'count',
    arg: '*',
    distinct: false,
  });
  return Number(value);
}

/** `sum`/`avg`/`min`/`max` of a field, as the field's JavaScript type (see `aggregateValue`). */
export async function fieldAggregate(
  source: QuerySource<unknown>,
  state: QueryState,
  property: string,
  fn: 'sum' | 'avg' | 'min' | 'max',
): Promise<unknown> {
  const field = fieldOf(source.meta, property);
  const raw = await aggregate(source, state, {
    kind: 'aggregate',
    fn,
    arg: column(field.name),
    distinct: false,
  });
  return aggregateValue(field, fn, raw);
}

/** Values of one field, or tuples of several, in the query's order. */
export async function pluckValues(
  source: QuerySource<unknown>,
  state: QueryState,
  fields: readonly string[],
): Promise<unknown[]> {
  const columns = fields.map((f) => fieldOf(source.meta, f));
  if (columns.length === 0)
    throw new InvalidQueryError('pluck() needs at least one field', source.meta.className);
  const { rows } = await source.connection.execute(
    compileStatement(
      selectNode(
        source.meta,
        state,
        columns.map((c) => column(c.name)),
      ),
    ),
  );
  if (columns.length === 1) return rows.map((row) => readValue(columns[0]!, row));
  return rows.map((row) => columns.map((c) => readValue(c, row)));
}

/** A row's value of a column as a record would hold it (see ColumnMeta.fromDriver). */
function readValue(column: ColumnMeta, row: Record<string, unknown>): unknown {
  const value = row[column.name];
  return value === null || value === undefined || !column.fromDriver
    ? value
    : column.fromDriver(value);
}

/** The primary keys of the matching rows: values, or key objects for a composite key. */
export async function keyValues(
  source: QuerySource<unknown>,
  state: QueryState,
): Promise<unknown[]> {
  const key = source.meta.key;
  const { rows } = await source.connection.execute(
    compileStatement(
      selectNode(
        source.meta,
        state,
        key.names.map((name) => column(name)),
      ),
    ),
  );
  return rows.map((row) => key.present(key.names.map((name) => row[name])));
}

/** Whether the query matches any row: `SELECT TRUE … LIMIT 1`, reading no columns. */
export async function anyRowExists(
  source: QuerySource<unknown>,
  state: QueryState,
): Promise<boolean> {
  const { limit, offset } = state;
  if (limit === 0) return false;
  const node: SelectNode = {
    kind: 'select',
    from: source.meta.tableName,
    columns: [{ kind: 'keyword', keyword: 'TRUE' }],
    where: whereOf(source.meta, state),
    limit: param(1),
    offset: offset === undefined ? undefined : param(offset),
  };
  const { rows } = await source.connection.execute(compileStatement(node));
  return rows.length > 0;
}

/** The query's conditions grouped by fields, for aggregates per group. */
export function groupedBy<T, K extends AttributeKeys<T>>(
  source: QuerySource<T>,
  state: QueryState,
  fields: readonly K[],
): GroupedQuery<T, K> {
  if (fields.length === 0)
    throw new InvalidQueryError('groupBy() needs at least one field', source.meta.className);
  return new GroupedQuery<T, K>(
    source.meta,
    source.connection,
    fields.map((f) => fieldOf(source.meta, f)),
    conditionsOf(source.meta, state),
  );
}

/**
 * One aggregate over the query's rows. A limited query is aggregated as a subquery, so the
 * limit and offset pick the rows first.
 */
async function aggregate(
  source: QuerySource<unknown>,
  state: QueryState,
  expr: Expr,
): Promise<unknown> {
  const { limit, offset } = state;
  const value: Expr = { kind: 'alias', item: expr, alias: 'value' };
  const node: SelectNode =
    limit === undefined && offset === undefined
      ? {
          kind: 'select',
          from: source.meta.tableName,
          columns: [value],
          where: whereOf(source.meta, state),
        }
      : {
          kind: 'select',
          from: { query: selectNode(source.meta, state, [star]), alias: 'scoped' },
          columns: [value],
        };
  const { rows } = await source.connection.execute(compileStatement(node));
  return rows[0]?.value;
}

import { column, type Expr } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import type { SqlFragment } from '../sql/sql-fragment';
import { assignmentsFor } from './assignments';
import { keyOperand } from './key-conditions';
import type { AttributesInput } from './attribute-types';
import type { QuerySource } from './query-source';
import type { QueryState } from './query-state';
import { selectNode, whereOf } from './select-statement';

/** `updateAll` input: values of the fields, or `sql` expressions (`sql\`views + 1\``). */
export type UpdateAllInput<T> = {
  [K in keyof AttributesInput<T>]?: AttributesInput<T>[K] | SqlFragment;
};

/** One UPDATE of every row the query matches; no hooks, no validation. Returns the row count. */
export async function updateRows(
  source: QuerySource<unknown>,
  state: QueryState,
  attributes: Record<string, unknown>,
): Promise<number> {
  const set = assignmentsFor(source.meta, attributes);
  const { rowCount } = await source.connection.execute(
    compileStatement({
      kind: 'update',
      table: source.meta.tableName,
      set,
      where: writeScope(source, state),
    }),
  );
  source.afterBulkWrite();
  return rowCount;
}

/** One DELETE of every row the query matches; no hooks. Returns the row count. */
export async function deleteRows(source: QuerySource<unknown>, state: QueryState): Promise<number> {
  const { rowCount } = await source.connection.execute(
    compileStatement({
      kind: 'delete',
      table: source.meta.tableName,
      where: writeScope(source, state),
    }),
  );
  source.afterBulkWrite();
  return rowCount;
}

/** UPDATE and DELETE have no LIMIT: a limited query targets its rows by primary key. */
function writeScope(source: QuerySource<unknown>, state: QueryState): Expr | undefined {
  const { limit, offset, order } = state;
  if (limit === undefined && offset === undefined && order.length === 0) {
    return whereOf(source.meta, state);
  }
  const key = source.meta.key.names;
  return {
    kind: 'inSubquery',
    left: keyOperand(key),
    query: selectNode(
      source.meta,
      state,
      key.map((name) => column(name)),
    ),
  };
}

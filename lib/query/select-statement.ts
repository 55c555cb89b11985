import type { ModelMeta } from '../metadata/model-meta';
import { and, column, param, star, type Expr, type OrderNode, type SelectNode } from '../sql/nodes';
import { compileStatement, type CompiledQuery } from '../sql/query-compiler';
import { fieldOf } from './field-lookup';
import { keyIn, keysMatch } from './key-conditions';
import { countColumns } from './relation-counts';
import { throughOwnerKeyAlias, type QueryState, type ThroughJoin } from './query-state';

/** Alias of the join table in a many-to-many load. */
const THROUGH_ALIAS = '__through';

/** The query's SELECT, compiled: what `toSQL()` shows and awaiting the query sends. */
export function compileSelect(meta: ModelMeta, state: QueryState): CompiledQuery {
  return compileStatement(selectNode(meta, state, selectedColumns(meta, state)));
}

/**
 * The query's SELECT with the given columns: the finders select records, the calculations an
 * aggregate over it, bulk writes the primary keys of a limited query.
 */
export function selectNode(meta: ModelMeta, state: QueryState, columns: Expr[]): SelectNode {
  const { order, limit, offset, distinct, lock, through } = state;
  const joined = through ? throughClauses(meta, state, through) : undefined;
  // One literal, every property in one order: the compiler reads many of these.
  return {
    kind: 'select',
    from: meta.tableName,
    columns,
    distinct,
    joins: joined?.joins,
    where: joined ? joined.where : whereOf(meta, state),
    orderBy: order,
    limit: limit === undefined ? undefined : param(limit),
    offset: offset === undefined ? undefined : param(offset),
    lock,
  };
}

/** Every condition: the soft-delete filter, the default scope, then `where` calls. */
export function conditionsOf(meta: ModelMeta, state: QueryState): Expr[] {
  const { deleted, scopeWhere, where } = state;
  const stamp = meta.deletedAt;
  const conditions: Expr[] = [];
  if (stamp && deleted !== 'include') {
    conditions.push({ kind: 'isNull', item: column(stamp.name), negated: deleted === 'only' });
  }
  if (scopeWhere) conditions.push(...scopeWhere);
  conditions.push(...where);
  return conditions;
}

/** The WHERE clause: every condition ANDed, or none. */
export function whereOf(meta: ModelMeta, state: QueryState): Expr | undefined {
  const conditions = conditionsOf(meta, state);
  return conditions.length ? and(conditions) : undefined;
}

/** Ordering by the primary key, column by column. */
export function primaryKeyOrder(meta: ModelMeta, direction: 'ASC' | 'DESC'): OrderNode[] {
  return meta.key.names.map((name) => ({ expr: column(name), direction }));
}

function selectedColumns(meta: ModelMeta, state: QueryState): Expr[] {
  const columns = state.select ? state.select.map((p) => column(fieldOf(meta, p).name)) : [star];
  if (state.counts) columns.push(...countColumns(meta, state.counts));
  if (!state.through) return columns;
  const ownerKey = state.through.foreignColumns.map((name, i): Expr => ({
    kind: 'alias',
    item: column(name, THROUGH_ALIAS),
    alias: throughOwnerKeyAlias(i),
  }));
  return [...columns, ...ownerKey];
}

/** JOIN of the join table, and the owners' keys as one array parameter. */
function throughClauses(
  meta: ModelMeta,
  state: QueryState,
  through: ThroughJoin,
): Pick<SelectNode, 'joins' | 'where'> {
  const owners = keyIn(
    through.foreignColumns,
    through.ownerKeyTypes,
    through.ownerKeys,
    THROUGH_ALIAS,
  );
  return {
    joins: [
      {
        table: through.table,
        alias: THROUGH_ALIAS,
        on: keysMatch(
          through.otherColumns,
          THROUGH_ALIAS,
          through.targetKeyColumns,
          meta.tableName,
        ),
      },
    ],
    where: and([owners, ...conditionsOf(meta, state)]),
  };
}

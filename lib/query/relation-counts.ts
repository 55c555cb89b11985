import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ModelMeta } from '../metadata/model-meta';
import type { HasManyMeta, ManyToManyMeta } from '../metadata/relation-meta';
import { and, column, param, type Expr } from '../sql/nodes';
import type { RelationStore } from './query-source';

type Row = Record<string, unknown>;

/** The column of the SELECT that carries a relation's count. */
function countAlias(relation: string): string {
  return `__count_${relation}`;
}

/**
 * The relations `withCount(...)` names, checked: declared collections (hasMany, hasOne,
 * manyToMany) of the model, each once. Anything else — a column, a belongsTo, `__proto__` —
 * is refused before any SQL, with what the model has.
 */
export function countedRelations(
  meta: ModelMeta,
  names: readonly unknown[],
  already: readonly string[] = [],
): string[] {
  const counted = [...already];
  for (const name of names) {
    const relation = typeof name === 'string' ? meta.relation(name) : undefined;
    if (!relation || relation.kind === 'belongsTo') {
      const collections = meta.relationNames.filter((r) => meta.relation(r)!.kind !== 'belongsTo');
      throw new InvalidQueryError(
        `${meta.className}.withCount() counts a hasMany, hasOne or manyToMany relation, got ` +
          `${JSON.stringify(name)}; ${meta.className} has ${collections.join(', ') || 'none'}`,
        meta.className,
        typeof name === 'string' ? name : undefined,
      );
    }
    if (!counted.includes(name as string)) counted.push(name as string);
  }
  return counted;
}

/**
 * One correlated `count(*)` per counted relation, for the select list of a query of `meta`'s
 * table: the rows `countOf` would count (the target's rows of the owner's type when
 * polymorphic, the join rows of a manyToMany), without a statement of their own.
 */
export function countColumns(meta: ModelMeta, relations: readonly string[] | undefined): Expr[] {
  if (!relations?.length) return [];
  return relations.map((name, i): Expr => {
    const relation = meta.relation(name) as HasManyMeta | ManyToManyMeta;
    const alias = `n${i + 1}`;
    const { table, keyColumns } =
      relation.kind === 'manyToMany'
        ? { table: relation.throughTable, keyColumns: relation.foreignColumns }
        : { table: relation.target.tableName, keyColumns: relation.foreignKey.names };
    const conditions: Expr[] = keyColumns.map((name, k): Expr => ({
      kind: 'binary',
      operator: '=',
      left: column(name, alias),
      right: column(relation.localKey.names[k]!, meta.tableName),
    }));
    if (relation.kind !== 'manyToMany' && relation.typeKey) {
      conditions.push({
        kind: 'binary',
        operator: '=',
        left: column(relation.typeKey.name, alias),
        right: param(relation.typeValue),
      });
    }
    return {
      kind: 'alias',
      item: {
        kind: 'subquery',
        query: {
          kind: 'select',
          from: table,
          alias,
          columns: [{ kind: 'aggregate', fn: 'count', arg: '*', distinct: false }],
          where: and(conditions),
        },
      },
      alias: countAlias(name),
    };
  });
}

/**
 * Keeps each row's counts in its record's state, where `countOf` answers from (records and
 * rows in the same order).
 */
export function attachCounts(
  store: RelationStore,
  records: readonly object[],
  rows: readonly Row[],
  relations: readonly string[],
): void {
  for (let i = 0; i < records.length; i++) {
    for (const name of relations) {
      // count(*) is a bigint: text from the server, a BigInt from PGlite.
      store.setCount(records[i]!, name, Number(rows[i]![countAlias(name)]));
    }
  }
}

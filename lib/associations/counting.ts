import { InvalidQueryError } from '../errors/invalid-query-error';
import type { HasManyMeta, ManyToManyMeta } from '../metadata/relation-meta';
import type { QuerySource } from '../query/query-source';
import { and, column, param, type Expr, type SelectNode } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import { keyIn } from '../query/key-conditions';
import { stateOf } from '../model/record-state';
import { relationStore } from '../model/relation-store';
import { relationNamed } from './relation-lookup';

/**
 * `record.countOf('comments')`: the number of related rows without loading them, counted for
 * all siblings at once (one grouped query).
 */
export async function countAssociation(
  source: QuerySource<object>,
  record: object,
  name: string,
): Promise<number> {
  const relation = relationNamed(source.meta, name);
  if (relation.kind === 'belongsTo') {
    throw new InvalidQueryError(
      `${source.meta.className}.countOf('${name}'): count a hasMany, hasOne or manyToMany relation`,
      source.meta.className,
      name,
    );
  }
  const state = stateOf(record);
  const loaded = relationStore.isLoaded(record, name) ? relationStore.get(record, name) : undefined;
  if (Array.isArray(loaded)) return loaded.length;
  if (relationStore.isLoaded(record, name)) return loaded ? 1 : 0;
  const cached = state.counts?.get(name);
  if (cached !== undefined) return cached;
  if (!state.persisted) return 0;
  const localKey = relation.localKey;
  const batch = relationStore
    .siblings(record)
    .filter(
      (r) => r === record || (stateOf(r).persisted && stateOf(r).counts?.get(name) === undefined),
    );
  const keys = new Map<string, readonly unknown[]>();
  for (const owner of batch) {
    const values = localKey.valuesOf(owner);
    if (values) keys.set(localKey.hash(values), values);
  }
  const counts = await countByOwner(source, relation, [...keys.values()]);
  for (const owner of batch) {
    const hash = localKey.hashOf(owner);
    relationStore.setCount(owner, name, (hash !== undefined && counts.get(hash)) || 0);
  }
  return state.counts!.get(name)!;
}

/**
 * Related rows per owner key, in one grouped query: the join rows of a manyToMany, the
 * target rows (of the owner's type, when polymorphic) of a hasMany or hasOne.
 */
async function countByOwner(
  source: QuerySource<object>,
  relation: HasManyMeta | ManyToManyMeta,
  keys: ReadonlyArray<readonly unknown[]>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (keys.length === 0) return counts;
  const table = relation.kind === 'manyToMany' ? relation.throughTable : relation.target.tableName;
  const keyColumns =
    relation.kind === 'manyToMany' ? relation.foreignColumns : relation.foreignKey.names;
  const conditions: Expr[] = [
    keyIn(
      keyColumns,
      relation.localKey.columns.map((c) => c.sqlType),
      keys,
    ),
  ];
  if (relation.kind !== 'manyToMany' && relation.typeKey) {
    conditions.push({
      kind: 'binary',
      operator: '=',
      left: column(relation.typeKey.name),
      right: param(relation.typeValue),
    });
  }
  const node: SelectNode = {
    kind: 'select',
    from: table,
    columns: [
      ...keyColumns.map((name, i): Expr => ({ kind: 'alias', item: column(name), alias: `k${i}` })),
      {
        kind: 'alias',
        item: { kind: 'aggregate', fn: 'count', arg: '*', distinct: false },
        alias: 'count',
      },
    ],
    where: and(conditions),
    groupBy: keyColumns.map((name) => column(name)),
  };
  const { rows } = await source.connection.execute(compileStatement(node));
  for (const row of rows) {
    const key = keyColumns.map((_, i) => row[`k${i}`]);
    counts.set(relation.localKey.hash(key), Number(row.count));
  }
  return counts;
}

import { OrmError } from '../errors/orm-error';
import type { KeyColumns } from '../metadata/key-columns';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import type {
  BelongsToMeta,
  HasManyMeta,
  ManyToManyMeta,
  RelationMeta,
} from '../metadata/relation-meta';
import { targetsOf, type IncludeNode, type IncludeRefinement } from './include-tree';
import { Query } from './query';
import type { QuerySource } from './query-source';
import { throughOwnerKeyAlias } from './query-state';
import { startQuery } from './scopes';

type Row = Record<string, unknown>;
type Tuple = readonly unknown[];

/** Appends `value` to the list kept under `key`. */
function pushTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

/** The distinct complete keys the records hold in `key`'s properties. */
function uniqueKeys(records: readonly object[], key: KeyColumns): Tuple[] {
  const seen = new Map<string, Tuple>();
  for (const record of records) {
    // Hashed first: a tuple is made only for a key not seen yet.
    const hash = key.hashOf(record);
    if (hash !== undefined && !seen.has(hash)) seen.set(hash, key.valuesOf(record)!);
  }
  return [...seen.values()];
}

/** A query of a related model, whose own includes (from a refining function) load here too. */
export function relatedQuery(source: QuerySource<object>, target: ModelMeta): Query<object> {
  return startQuery(source.related(target), preloadIncludes);
}

/** The related query after an include's refining function. */
export function refined(
  query: Query<object>,
  refine: IncludeRefinement | undefined,
): Query<object> {
  if (!refine) return query;
  const result = (refine as (q: Query<object>) => unknown)(query);
  if (!(result instanceof Query)) {
    throw new OrmError(
      'INVALID_INCLUDE',
      `An include function must return the query it was given (refined), got ${typeof result}`,
    );
  }
  return result as Query<object>;
}

/** The related query in the relation's default order, unless the refinement ordered it. */
export function ordered(query: Query<object>, order: Readonly<Record<string, string>> | undefined) {
  return order && !query.isOrdered ? query.order(order as never) : query;
}

/**
 * Loads `includes` for `records` (of `source`'s model): one query per relation and level,
 * whatever the number of records, results attached through the relation store.
 */
export async function preloadIncludes(
  source: QuerySource<object>,
  records: readonly object[],
  includes: readonly IncludeNode[],
): Promise<void> {
  if (records.length === 0) return;
  for (const node of includes) {
    const relation = source.meta.relation(node.property)!;
    const loaded = await loadRelation(source, records, relation, node.refine);
    if (node.children.length === 0 || loaded.length === 0) continue;
    for (const target of targetsOf(relation)) {
      const group = loaded.filter((r) => r.constructor === target.modelClass);
      if (group.length) await preloadIncludes(source.related(target), group, node.children);
    }
  }
}

/**
 * Loads one relation for every record given (overwriting what was loaded) and returns the
 * related records, each once.
 */
export async function loadRelation(
  source: QuerySource<object>,
  records: readonly object[],
  relation: RelationMeta,
  refine?: IncludeRefinement,
  origin?: string,
): Promise<object[]> {
  const label = (query: Query<object>) => (origin ? query.issuedBy(origin) : query);
  const labelled: IncludeRefinement | undefined =
    origin || refine
      ? (((query: Query<object>) => label(refined(query, refine))) as IncludeRefinement)
      : undefined;
  switch (relation.kind) {
    case 'belongsTo':
      return loadBelongsTo(source, records, relation, labelled);
    case 'hasMany':
    case 'hasOne':
      return loadHasMany(source, records, relation, labelled);
    case 'manyToMany':
      return loadManyToMany(source, records, relation, labelled);
  }
}

async function loadBelongsTo(
  source: QuerySource<object>,
  records: readonly object[],
  relation: BelongsToMeta,
  refine: IncludeRefinement | undefined,
): Promise<object[]> {
  const store = source.relations;
  const fk = relation.foreignKey;
  const groups = new Map<ModelMeta, readonly object[]>();
  const { typeKey } = relation;
  if (!typeKey) groups.set(relation.targets[0]!, records);
  else {
    for (const record of records) {
      const target = targetOfRecord(relation, typeKey, record);
      if (target) pushTo(groups as Map<ModelMeta, object[]>, target, record);
      else store.set(record, relation.property, null);
    }
  }
  const loaded: object[] = [];
  for (const [target, owners] of groups) {
    const otherKey = relation.otherKey(target);
    const keys = uniqueKeys(owners, fk);
    const found =
      keys.length === 0
        ? []
        : await refined(relatedQuery(source, target).whereKeyIn(otherKey, keys), refine).all();
    const byKey = new Map(found.map((r) => [otherKey.hashOf(r), r]));
    for (const owner of owners) {
      const hash = fk.hashOf(owner);
      store.set(owner, relation.property, hash === undefined ? null : (byKey.get(hash) ?? null));
    }
    loaded.push(...found);
  }
  return loaded;
}

/** The model a polymorphic belongsTo row points at: the one its type column names. */
function targetOfRecord(
  relation: BelongsToMeta,
  typeKey: ColumnMeta,
  record: object,
): ModelMeta | undefined {
  const type = (record as Row)[typeKey.property];
  if (type === null || type === undefined) return undefined;
  const target = relation.targets.find((t) => t.className === type);
  if (!target) {
    throw new OrmError(
      'UNKNOWN_POLYMORPHIC_TYPE',
      `${relation.owner.className}.${relation.property}: ${typeKey.property} is ${JSON.stringify(type)}, ` +
        `which is none of ${relation.targets.map((t) => t.className).join(', ')}`,
    );
  }
  return target;
}

async function loadHasMany(
  source: QuerySource<object>,
  records: readonly object[],
  relation: HasManyMeta,
  refine: IncludeRefinement | undefined,
): Promise<object[]> {
  const store = source.relations;
  const { localKey, foreignKey } = relation;
  const keys = uniqueKeys(records, localKey);
  let found: object[] = [];
  if (keys.length) {
    let query = relatedQuery(source, relation.target).whereKeyIn(foreignKey, keys);
    if (relation.typeKey)
      query = query.where({ [relation.typeKey.property]: relation.typeValue } as never);
    found = await ordered(refined(query, refine), relation.order).all();
  }
  const byOwner = new Map<string, object[]>();
  for (const record of found) pushTo(byOwner, foreignKey.hashOf(record)!, record);
  for (const owner of records) {
    const hash = localKey.hashOf(owner);
    const list = (hash !== undefined && byOwner.get(hash)) || [];
    store.set(owner, relation.property, relation.kind === 'hasOne' ? (list[0] ?? null) : list);
  }
  return found;
}

async function loadManyToMany(
  source: QuerySource<object>,
  records: readonly object[],
  relation: ManyToManyMeta,
  refine: IncludeRefinement | undefined,
): Promise<object[]> {
  const store = source.relations;
  const { localKey, targetKey } = relation;
  const keys = uniqueKeys(records, localKey);
  const byOwner = new Map<string, object[]>();
  const unique = new Map<string, object>();
  if (keys.length) {
    const base = relatedQuery(source, relation.target).throughJoin({
      table: relation.throughTable,
      foreignColumns: relation.foreignColumns,
      otherColumns: relation.otherColumns,
      targetKeyColumns: targetKey.names,
      ownerKeys: keys,
      ownerKeyTypes: localKey.columns.map((c) => c.sqlType),
    });
    const query = ordered(refined(base, refine), relation.order);
    const { records: found, rows } = await query.allWithRows();
    found.forEach((record, i) => {
      const id = targetKey.hashOf(record)!;
      const shared = unique.get(id) ?? record;
      unique.set(id, shared);
      const ownerKey = localKey.columns.map((_, k) => rows[i]![throughOwnerKeyAlias(k)]);
      pushTo(byOwner, localKey.hash(ownerKey), shared);
    });
  }
  for (const owner of records) {
    const hash = localKey.hashOf(owner);
    store.set(owner, relation.property, (hash !== undefined && byOwner.get(hash)) || []);
  }
  return [...unique.values()];
}

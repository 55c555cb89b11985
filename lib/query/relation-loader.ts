import { OrmError } from '../errors/orm-error';
import type { ModelMeta } from '../metadata/model-meta';
import type {
  BelongsToMeta,
  HasManyMeta,
  ManyToManyMeta,
  RelationMeta,
} from '../metadata/relation-meta';
import { targetsOf, type IncludeNode, type IncludeRefinement } from './include-tree';
import { Query } from './query';
import type { QuerySource } from './query-source';
import { THROUGH_OWNER_KEY } from './query-state';
import { startQuery } from './scopes';

type Row = Record<string, unknown>;

/** Map key of a key value: numbers, bigint strings and uuids compare as text. */
function keyOf(value: unknown): string {
  return value instanceof Date ? String(value.getTime()) : String(value);
}

/** Appends `value` to the list kept under `key`. */
function pushTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

function uniqueKeys(records: readonly object[], property: string): unknown[] {
  const seen = new Map<string, unknown>();
  for (const record of records) {
    const value = (record as Row)[property];
    if (value !== null && value !== undefined) seen.set(keyOf(value), value);
  }
  return [...seen.values()];
}

/** A query of a related model, whose own includes (from a refining function) load here too. */
function relatedQuery(source: QuerySource<object>, target: ModelMeta): Query<object> {
  return startQuery(source.related(target), preloadIncludes);
}

function refined(query: Query<object>, refine: IncludeRefinement | undefined): Query<object> {
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

function ordered(query: Query<object>, order: Readonly<Record<string, string>> | undefined) {
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
  const fk = relation.foreignKey.property;
  const groups = new Map<ModelMeta, object[]>();
  for (const record of records) {
    const target = targetOfRecord(relation, record);
    if (!target) {
      store.set(record, relation.property, null);
      continue;
    }
    pushTo(groups, target, record);
  }
  const loaded: object[] = [];
  for (const [target, owners] of groups) {
    const otherKey = relation.otherKey(target).property;
    const keys = uniqueKeys(owners, fk);
    const found =
      keys.length === 0
        ? []
        : await refined(
            relatedQuery(source, target).where({ [otherKey]: keys } as never),
            refine,
          ).all();
    const byKey = new Map(found.map((r) => [keyOf((r as Row)[otherKey]), r]));
    for (const owner of owners) {
      const value = (owner as Row)[fk];
      store.set(owner, relation.property, value == null ? null : (byKey.get(keyOf(value)) ?? null));
    }
    loaded.push(...found);
  }
  return loaded;
}

/** The model a belongsTo row points at: the only target, or the one its type column names. */
function targetOfRecord(relation: BelongsToMeta, record: object): ModelMeta | undefined {
  if (!relation.typeKey) return relation.targets[0];
  const type = (record as Row)[relation.typeKey.property];
  if (type === null || type === undefined) return undefined;
  const target = relation.targets.find((t) => t.className === type);
  if (!target) {
    throw new OrmError(
      'UNKNOWN_POLYMORPHIC_TYPE',
      `${relation.owner.className}.${relation.property}: ${relation.typeKey.property} is ${JSON.stringify(type)}, ` +
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
  const localKey = relation.localKey.property;
  const fk = relation.foreignKey.property;
  const keys = uniqueKeys(records, localKey);
  let found: object[] = [];
  if (keys.length) {
    const where: Row = { [fk]: keys };
    if (relation.typeKey) where[relation.typeKey.property] = relation.typeValue;
    const query = refined(relatedQuery(source, relation.target).where(where as never), refine);
    found = await ordered(query, relation.order).all();
  }
  const byOwner = new Map<string, object[]>();
  for (const record of found) pushTo(byOwner, keyOf((record as Row)[fk]), record);
  for (const owner of records) {
    const list = byOwner.get(keyOf((owner as Row)[localKey])) ?? [];
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
  const localKey = relation.localKey.property;
  const keys = uniqueKeys(records, localKey);
  const byOwner = new Map<string, object[]>();
  const unique = new Map<string, object>();
  if (keys.length) {
    const base = relatedQuery(source, relation.target).throughJoin({
      table: relation.throughTable,
      foreignColumn: relation.foreignColumn,
      otherColumn: relation.otherColumn,
      targetKeyColumn: relation.targetKey.name,
      ownerKeys: keys,
      ownerKeyType: relation.localKey.sqlType,
    });
    const query = ordered(refined(base, refine), relation.order);
    const { records: found, rows } = await query.allWithRows();
    const targetKey = relation.targetKey.property;
    found.forEach((record, i) => {
      const id = keyOf((record as Row)[targetKey]);
      const shared = unique.get(id) ?? record;
      unique.set(id, shared);
      pushTo(byOwner, keyOf(rows[i]![THROUGH_OWNER_KEY]), shared);
    });
  }
  for (const owner of records) {
    store.set(owner, relation.property, byOwner.get(keyOf((owner as Row)[localKey])) ?? []);
  }
  return [...unique.values()];
}

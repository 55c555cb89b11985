import type { Connection } from '../context/connection';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { OrmError } from '../errors/orm-error';
import { DeleteRestrictedError, RelationNotLoadedError } from '../errors/relation-errors';
import type { ModelMeta } from '../metadata/model-meta';
import type {
  BelongsToMeta,
  HasManyMeta,
  ManyToManyMeta,
  RelationMeta,
} from '../metadata/relation-meta';
import { createQuery } from '../query/model-query';
import type { QuerySource } from '../query/query-source';
import { loadRelation } from '../query/relation-loader';
import { and, column, param, type Expr, type SelectNode } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import { sql } from '../sql/sql-fragment';
import { bindingOf } from './model-binding';
import { querySource } from './query-sources';
import { stateOf } from './record-state';
import { forgetRelation, relationStore } from './relation-store';

type Row = Record<string, unknown>;

export function relationNamed(meta: ModelMeta, name: string): RelationMeta {
  const relation = typeof name === 'string' ? meta.relation(name) : undefined;
  if (!relation) {
    throw new InvalidQueryError(
      `${meta.className} has no relation ${JSON.stringify(name)}; relations: ${meta.relationNames.join(', ') || 'none'}`,
      meta.className,
      name,
    );
  }
  return relation;
}

function readLoaded(record: object, name: string): { loaded: boolean; value?: unknown } {
  try {
    return { loaded: true, value: (record as Row)[name] };
  } catch (error) {
    if (error instanceof RelationNotLoadedError) return { loaded: false };
    throw error;
  }
}

/**
 * `record.load('author')`: the relation, loaded for every not-yet-loaded sibling of the
 * record in one query, so a loop over a result set costs one query per relation.
 */
export async function loadAssociation(
  source: QuerySource<object>,
  record: object,
  name: string,
): Promise<unknown> {
  const relation = relationNamed(source.meta, name);
  // Only a loaded relation or a new record can answer without a query (checked first so the
  // common path does not build an error to find out).
  if (relationStore.isLoaded(record, name) || !stateOf(record).persisted) {
    const current = readLoaded(record, name);
    if (current.loaded) return current.value;
  }
  const inflight = relationStore.inflight(record);
  const running = inflight.get(name);
  if (running) {
    await running;
    const after = readLoaded(record, name);
    if (after.loaded) return after.value;
  }
  const batch = relationStore
    .siblings(record)
    .filter(
      (r) =>
        r === record ||
        (stateOf(r).persisted &&
          !relationStore.isLoaded(r, name) &&
          r.constructor === record.constructor),
    );
  const origin =
    batch.length === 1
      ? `${source.meta.className} records were loaded one at a time, so their '${name}' loads cannot be batched: ` +
        `load them in one query with .include('${name}')`
      : undefined;
  const loading = loadRelation(source, batch, relation, undefined, origin);
  inflight.set(name, loading);
  try {
    await loading;
  } finally {
    if (inflight.get(name) === loading) inflight.delete(name);
  }
  return (record as Row)[name];
}

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
  const localKey = relation.localKey.property;
  const batch = relationStore
    .siblings(record)
    .filter(
      (r) => r === record || (stateOf(r).persisted && stateOf(r).counts?.get(name) === undefined),
    );
  const keys = [...new Set(batch.map((r) => (r as Row)[localKey]).filter((k) => k != null))];
  const counts = await countByOwner(source, relation, keys);
  for (const owner of batch) {
    const s = stateOf(owner);
    (s.counts ??= new Map()).set(name, counts.get(String((owner as Row)[localKey])) ?? 0);
  }
  return state.counts!.get(name)!;
}

async function countByOwner(
  source: QuerySource<object>,
  relation: HasManyMeta | ManyToManyMeta,
  keys: unknown[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (keys.length === 0) return counts;
  const table = relation.kind === 'manyToMany' ? relation.throughTable : relation.target.tableName;
  const keyColumn =
    relation.kind === 'manyToMany' ? relation.foreignColumn : relation.foreignKey.name;
  const conditions: Expr[] = [
    {
      kind: 'inArray',
      left: column(keyColumn),
      array: param(keys, { ...relation.localKey.sqlType, array: true }),
      negated: false,
    },
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
      { kind: 'alias', item: column(keyColumn), alias: 'key' },
      {
        kind: 'alias',
        item: { kind: 'aggregate', fn: 'count', arg: '*', distinct: false },
        alias: 'count',
      },
    ],
    where: and(conditions),
    groupBy: [column(keyColumn)],
  };
  const { rows } = await source.connection.execute(compileStatement(node));
  for (const row of rows) counts.set(String(row.key), Number(row.count));
  return counts;
}

/**
 * `user.build('posts', { title })`: a new related record with its key to the owner set
 * (not saved); added to the loaded collection when there is one.
 */
export function buildAssociated(
  meta: ModelMeta,
  record: object,
  name: string,
  attributes: unknown,
): object {
  const relation = relationNamed(meta, name);
  const owner = record as Row;
  switch (relation.kind) {
    case 'belongsTo': {
      if (relation.typeKey) {
        throw new OrmError(
          'INVALID_RELATION_WRITE',
          `${meta.className}.build('${name}'): a polymorphic parent cannot be built; assign a record instead`,
        );
      }
      const parent = repositoryFor(relation.targets[0]!).build(attributes as never) as object;
      owner[name] = parent;
      return parent;
    }
    case 'hasMany':
    case 'hasOne': {
      const key = owner[relation.localKey.property];
      if (key == null) {
        throw new OrmError(
          'OWNER_NOT_SAVED',
          `${meta.className}.build('${name}'): save the ${meta.className} first, so the new record can refer to it`,
        );
      }
      const child = repositoryFor(relation.target).build({
        ...(attributes as object),
        [relation.foreignKey.property]: key,
        ...(relation.typeKey ? { [relation.typeKey.property]: relation.typeValue } : {}),
      } as never) as object;
      if (relationStore.isLoaded(record, name)) {
        const loaded = relationStore.get(record, name);
        if (relation.kind === 'hasOne') relationStore.set(record, name, child);
        else if (Array.isArray(loaded)) loaded.push(child);
      }
      stateOf(record).counts?.delete(name);
      return child;
    }
    case 'manyToMany':
      throw new OrmError(
        'INVALID_RELATION_WRITE',
        `${meta.className}.build('${name}'): save the new record, then link it with addTo('${name}', record)`,
      );
  }
}

function repositoryFor(meta: ModelMeta) {
  return bindingOf(meta.modelClass as never).repository as unknown as {
    build(attributes: never): object;
    save(record: object): Promise<object>;
    destroy(record: object): Promise<void>;
  };
}

function ownerKey(
  meta: ModelMeta,
  record: object,
  relation: HasManyMeta | ManyToManyMeta,
): unknown {
  const key = (record as Row)[relation.localKey.property];
  if (key == null || !stateOf(record).persisted) {
    throw new OrmError(
      'OWNER_NOT_SAVED',
      `${meta.className}.${relation.property}: save the ${meta.className} before linking records to it`,
    );
  }
  return key;
}

/**
 * `article.addTo('tags', a, b)`: links records (saving new ones first). For manyToMany, one
 * INSERT of the missing join rows; for hasMany, each record's foreign key is set and saved.
 */
export async function addToAssociation(
  source: QuerySource<object>,
  record: object,
  name: string,
  items: readonly object[],
): Promise<void> {
  const relation = collectionRelation(source.meta, name);
  const key = ownerKey(source.meta, record, relation);
  checkTargets(relation, items);
  await source.connection.transaction(async () => {
    if (relation.kind === 'manyToMany') {
      for (const item of items)
        if (!stateOf(item).persisted) await repositoryFor(relation.target).save(item);
      const targetKey = relation.targetKey;
      const ids = items.map((i) => (i as Row)[targetKey.property]);
      const through = sql.id(relation.throughTable);
      const fc = sql.id(relation.foreignColumn);
      const oc = sql.id(relation.otherColumn);
      const pk = sql.id(targetKey.name);
      await source.connection.execute(
        compileStatement(
          sql`INSERT INTO ${through} (${fc}, ${oc}) SELECT ${key}, t.${pk} FROM ${sql.id(relation.target.tableName)} AS t WHERE t.${pk} = ANY(${ids}) AND NOT EXISTS (SELECT 1 FROM ${through} AS j WHERE j.${fc} = ${key} AND j.${oc} = t.${pk})`,
        ),
      );
    } else {
      for (const item of items) {
        const row = item as Row;
        row[relation.foreignKey.property] = key;
        if (relation.typeKey) row[relation.typeKey.property] = relation.typeValue;
        await repositoryFor(relation.target).save(item);
      }
    }
  });
  if (relationStore.isLoaded(record, name)) {
    const loaded = relationStore.get(record, name);
    const same = sameRecord(relation);
    if (relation.kind === 'hasOne') relationStore.set(record, name, items.at(-1) ?? null);
    else if (Array.isArray(loaded)) {
      for (const item of items) if (!loaded.some((r) => same(r, item))) loaded.push(item);
    }
  }
  stateOf(record).counts?.delete(name);
}

/**
 * `article.removeFrom('tags', tag)`: unlinks records. For manyToMany the join rows are
 * deleted; for hasMany the records' foreign keys are set to null and saved.
 */
export async function removeFromAssociation(
  source: QuerySource<object>,
  record: object,
  name: string,
  items: readonly object[],
): Promise<void> {
  const relation = collectionRelation(source.meta, name);
  const key = ownerKey(source.meta, record, relation);
  checkTargets(relation, items);
  if (relation.kind === 'manyToMany') {
    const ids = items.map((i) => (i as Row)[relation.targetKey.property]).filter((v) => v != null);
    await source.connection.execute(
      compileStatement(
        sql`DELETE FROM ${sql.id(relation.throughTable)} WHERE ${sql.id(relation.foreignColumn)} = ${key} AND ${sql.id(relation.otherColumn)} = ANY(${ids})`,
      ),
    );
  } else {
    await source.connection.transaction(async () => {
      for (const item of items) {
        const row = item as Row;
        if (row[relation.foreignKey.property] !== key) continue;
        row[relation.foreignKey.property] = null;
        if (relation.typeKey) row[relation.typeKey.property] = null;
        await repositoryFor(relation.target).save(item);
      }
    });
  }
  if (relationStore.isLoaded(record, name)) {
    const loaded = relationStore.get(record, name);
    const same = sameRecord(relation);
    const removed = (r: unknown) => items.some((item) => same(r, item));
    if (Array.isArray(loaded))
      relationStore.set(
        record,
        name,
        loaded.filter((r) => !removed(r)),
      );
    else if (removed(loaded)) relationStore.set(record, name, null);
  }
  stateOf(record).counts?.delete(name);
}

/** Compares related records by primary key (two loads give two objects for one row). */
function sameRecord(relation: HasManyMeta | ManyToManyMeta) {
  const key = relation.target.primaryKey.property;
  return (a: unknown, b: unknown): boolean =>
    a === b || (!!a && !!b && (a as Row)[key] != null && (a as Row)[key] === (b as Row)[key]);
}

function collectionRelation(meta: ModelMeta, name: string): HasManyMeta | ManyToManyMeta {
  const relation = relationNamed(meta, name);
  if (relation.kind === 'belongsTo') {
    throw new OrmError(
      'INVALID_RELATION_WRITE',
      `${meta.className}.${name} is a belongsTo: assign the record (record.${name} = parent) instead`,
    );
  }
  return relation;
}

function checkTargets(relation: HasManyMeta | ManyToManyMeta, items: readonly object[]): void {
  for (const item of items) {
    if (!item || item.constructor !== relation.target.modelClass) {
      throw new OrmError(
        'INVALID_RELATION_VALUE',
        `${relation.owner.className}.${relation.property} takes ${relation.target.className} records`,
      );
    }
  }
}

/** Whether the record was given a parent that is not saved yet (`post.author = User.build()`). */
export function hasUnsavedParent(meta: ModelMeta, record: object): boolean {
  const relations = stateOf(record).relations;
  if (!relations) return false;
  return meta.relationNames.some((name) => {
    const parent = relations.get(name);
    return (
      meta.relation(name)!.kind === 'belongsTo' &&
      parent !== null &&
      typeof parent === 'object' &&
      !stateOf(parent).persisted
    );
  });
}

/** Saves assigned parents that are new, then copies their keys, before the record is saved. */
export async function saveAssignedParents(meta: ModelMeta, record: object): Promise<void> {
  const relations = stateOf(record).relations;
  if (!relations) return;
  for (const name of meta.relationNames) {
    const parent = relations.get(name);
    if (meta.relation(name)!.kind !== 'belongsTo' || !parent || stateOf(parent).persisted) continue;
    const target = meta.relation(name) as BelongsToMeta;
    const targetMeta = target.targets.find((t) => t.modelClass === parent.constructor)!;
    await repositoryFor(targetMeta).save(parent as object);
  }
  copyParentKeys(meta, record);
}

/** Copies the keys of assigned parents (saved since they were assigned) to the foreign keys. */
export function copyParentKeys(meta: ModelMeta, record: object): void {
  const relations = stateOf(record).relations;
  if (!relations) return;
  for (const name of meta.relationNames) {
    const relation = meta.relation(name)!;
    const parent = relations.get(name) as Row | null | undefined;
    if (relation.kind !== 'belongsTo' || !parent) continue;
    const target = relation.targets.find((t) => t.modelClass === parent.constructor)!;
    const key = parent[relation.otherKey(target).property];
    if (key !== undefined) (record as Row)[relation.foreignKey.property] = key;
  }
}

/** Whether destroying a record of this model has related rows to handle first. */
export function hasDependents(meta: ModelMeta): boolean {
  return meta.relationNames.some((name) => {
    const relation = meta.relation(name)!;
    return (
      relation.kind === 'manyToMany' || (relation.kind !== 'belongsTo' && !!relation.dependent)
    );
  });
}

/**
 * Applies `dependent` before a record is deleted: restrict checks first, then nullify or
 * destroy the children (their own dependents too), and delete manyToMany join rows.
 */
export async function destroyDependents(
  meta: ModelMeta,
  record: object,
  connection: Connection,
): Promise<void> {
  const relations = meta.relationNames.map((n) => meta.relation(n)!);
  const childQuery = (relation: HasManyMeta) => {
    const where: Row = {
      [relation.foreignKey.property]: (record as Row)[relation.localKey.property],
    };
    if (relation.typeKey) where[relation.typeKey.property] = relation.typeValue;
    return createQuery<object>(querySource(relation.target, connection)).where(where as never);
  };
  for (const relation of relations) {
    if (
      (relation.kind === 'hasMany' || relation.kind === 'hasOne') &&
      relation.dependent === 'restrict'
    ) {
      if (await childQuery(relation).exists()) {
        throw new DeleteRestrictedError(meta.className, relation.property);
      }
    }
  }
  for (const relation of relations) {
    if (relation.kind === 'manyToMany') {
      const key = (record as Row)[relation.localKey.property];
      await connection.execute(
        compileStatement(
          sql`DELETE FROM ${sql.id(relation.throughTable)} WHERE ${sql.id(relation.foreignColumn)} = ${key}`,
        ),
      );
      forgetRelation(record, relation.property);
    } else if (relation.kind !== 'belongsTo' && relation.dependent === 'nullify') {
      const set: Row = { [relation.foreignKey.property]: null };
      if (relation.typeKey) set[relation.typeKey.property] = null;
      await childQuery(relation).updateAll(set as never);
    } else if (relation.kind !== 'belongsTo' && relation.dependent === 'destroy') {
      for (const child of await childQuery(relation))
        await repositoryFor(relation.target).destroy(child);
    }
  }
}

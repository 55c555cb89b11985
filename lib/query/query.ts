import { InvalidQueryError } from '../errors/invalid-query-error';
import { and, type LockNode } from '../sql/nodes';
import type { CompiledQuery } from '../sql/query-compiler';
import type { SqlFragment } from '../sql/sql-fragment';
import { ownCopy } from '../util/objects';
import { checkedValue } from '../metadata/checked-value';
import type { KeyColumns } from '../metadata/key-columns';
import type { AggregateResult } from './aggregate-result';
import type { AttributeKeys, AttributesInput } from './attribute-types';
import { streamRecords } from './batches';
import { countedRelations } from './relation-counts';
import { deleteRows, updateRows, type UpdateAllInput } from './bulk-writes';
import {
  anyRowExists,
  countRows,
  fieldAggregate,
  groupedBy,
  keyValues,
  pluckValues,
} from './calculations';
import { fieldOf } from './field-lookup';
import { findRecordBy } from './find-batcher';
import { fetchRecords, fetchRecordsAndRows, firstRecord, lastRecord } from './finder-methods';
import type { GroupedQuery } from './grouped-query';
import { parseIncludes } from './include-tree';
import { keyIn } from './key-conditions';
import { keysetCondition } from './keyset';
import { parseOrder } from './order-parser';
import type { PrimaryKeyFieldsOf, PrimaryKeyValue } from './primary-key-type';
import type { QuerySource } from './query-source';
import {
  queryState,
  type IncludeStrategy,
  type JsonIncludePlan,
  type QueryState,
  type ThroughJoin,
} from './query-state';
import type { IncludePath, RelationKeys, RelationTarget } from './relation-types';
import { compileSelect } from './select-statement';
import type { OrderInput, WhereInput } from './where-input';
import { parseWhere } from './where-parser';

export interface LockOptions {
  /** Skip rows another transaction has locked (job queues). */
  skipLocked?: boolean;
  /** Fail at once instead of waiting for a locked row. */
  noWait?: boolean;
}

/** Records with only the selected attributes (the others are absent, not undefined values). */
export type Selected<T, K extends keyof T> = Omit<T, Exclude<AttributeKeys<T>, K>>;

// The include types name Query itself, so they live here rather than in relation-types.ts,
// which the query imports.

/**
 * Includes as an object: `true`, nested includes, or a function refining the related query
 * (filter, order, deeper includes).
 *
 * @example
 * Post.all().include({ comments: (q) => q.where({ approved: true }).order({ id: 'asc' }) });
 */
export type IncludeObject<T> = {
  [K in RelationKeys<T>]?:
    | true
    | IncludeObject<RelationTarget<T[K]>>
    | ((query: Query<RelationTarget<T[K]>>) => Query<RelationTarget<T[K]>>);
};

export type IncludeInput<T> = IncludePath<T> | IncludeObject<T>;

/**
 * An immutable, awaitable query of model `T`. Every method returns a new query; awaiting one
 * runs it and resolves to records.
 *
 * This class is the builder; what running a query means lives beside it, one kind per module,
 * fed the query's source and state: finder-methods.ts (records), calculations.ts (aggregates,
 * pluck, exists, groupBy), bulk-writes.ts (updateAll, deleteAll), batches.ts (stream).
 *
 * @example
 * const posts = await Post.where({ authorId: 7 }).order({ createdAt: 'desc' }).limit(20);
 */
export class Query<T, R = T> implements Promise<R[]> {
  readonly [Symbol.toStringTag] = 'Query';
  // Both computed on first use, but assigned in the constructor: every query has them from
  // the start, so all queries share one hidden class.
  private compiled: CompiledQuery | undefined = undefined;
  /** The one-statement include plan, null when includes load one query per relation. */
  private includePlan: JsonIncludePlan | null | undefined = undefined;

  constructor(
    readonly source: QuerySource<T>,
    private readonly state: QueryState = queryState(),
  ) {}

  /** Adds conditions, ANDed with the existing ones. */
  where(input: WhereInput<T> | SqlFragment): Query<T, R> {
    return this.with({
      ...this.state,
      where: [...this.state.where, parseWhere(this.source.meta, input)],
    });
  }

  /** Adds a negated condition: `whereNot({ status: 'draft' })`. */
  whereNot(input: WhereInput<T> | SqlFragment): Query<T, R> {
    return this.with({
      ...this.state,
      where: [...this.state.where, { kind: 'not', item: parseWhere(this.source.meta, input) }],
    });
  }

  /** Matches the current conditions OR any of the alternatives: `where(a).or(b, c)`. */
  or(...alternatives: Array<WhereInput<T> | SqlFragment>): Query<T, R> {
    const branches = [
      and(this.state.where),
      ...alternatives.map((a) => parseWhere(this.source.meta, a)),
    ];
    return this.with({ ...this.state, where: [{ kind: 'or', items: branches }] });
  }

  /** Appends ORDER BY items; field names and directions are checked. */
  order(...inputs: Array<OrderInput<T> | SqlFragment>): Query<T, R> {
    return this.with({
      ...this.state,
      order: [...this.state.order, ...parseOrder(this.source.meta, inputs)],
    });
  }

  /** Replaces the ordering. */
  reorder(...inputs: Array<OrderInput<T> | SqlFragment>): Query<T, R> {
    return this.with({ ...this.state, order: parseOrder(this.source.meta, inputs) });
  }

  limit(count: number): Query<T, R> {
    return this.with({
      ...this.state,
      limit: nonNegativeInteger(this.source.meta.className, 'limit', count),
    });
  }

  offset(count: number): Query<T, R> {
    return this.with({
      ...this.state,
      offset: nonNegativeInteger(this.source.meta.className, 'offset', count),
    });
  }

  /** Loads only these attributes (the primary key, every part of it, is always loaded). */
  select<K extends AttributeKeys<T>>(
    ...fields: K[]
  ): Query<T, Selected<T, K | PrimaryKeyFieldsOf<T>>> {
    for (const f of fields) fieldOf(this.source.meta, f);
    const missing = this.source.meta.key.properties.filter((p) => !fields.includes(p as K));
    const select = [...missing, ...fields];
    const QueryClass = this.constructor as typeof Query;
    return new QueryClass<T, Selected<T, K | PrimaryKeyFieldsOf<T>>>(this.source, {
      ...this.state,
      select,
    });
  }

  distinct(): Query<T, R> {
    return this.with({ ...this.state, distinct: true });
  }

  /**
   * Keyset pagination: rows strictly after `cursor` in the current order, which must be set
   * and end with a unique field (usually the primary key).
   *
   * @example
   * Post.all().order({ createdAt: 'desc', id: 'desc' }).after(lastPost).limit(20);
   */
  after(cursor: AttributesInput<T>): Query<T, R> {
    const condition = keysetCondition(
      this.source.meta,
      this.state.order,
      cursor as Record<string, unknown>,
    );
    return this.with({ ...this.state, where: [...this.state.where, condition] });
  }

  /** `SELECT … FOR UPDATE`; use inside a transaction. */
  forUpdate(options: LockOptions = {}): Query<T, R> {
    return this.with({ ...this.state, lock: lockNode('UPDATE', options) });
  }

  /** `SELECT … FOR SHARE`; use inside a transaction. */
  forShare(options: LockOptions = {}): Query<T, R> {
    return this.with({ ...this.state, lock: lockNode('SHARE', options) });
  }

  /**
   * Eager loading: one query per relation and level (`= ANY($1)`), whatever the number of
   * records, or the whole tree in this query's statement (see `includeStrategy`); never a
   * join that repeats rows. Paths are checked against the models.
   *
   * @example
   * Post.all().include('author', 'comments.author');
   * Post.all().include({ comments: (q) => q.where({ approved: true }).order({ id: 'asc' }) });
   */
  include(...inputs: IncludeInput<T>[]): Query<T, R> {
    return this.with({
      ...this.state,
      includes: parseIncludes(this.source.meta, inputs, this.state.includes),
    });
  }

  /**
   * Counts each record's related rows in the query's own statement (a correlated `count(*)`
   * per relation), for `countOf` to answer without a query: the hasMany, hasOne or
   * manyToMany relations named, as `countOf` counts them.
   *
   * @example
   * const posts = await Post.all().withCount('comments').limit(20);
   * await posts[0].countOf('comments'); // no query
   */
  withCount(...relations: RelationKeys<T>[]): Query<T, R> {
    return this.with({
      ...this.state,
      counts: countedRelations(this.source.meta, relations, this.state.counts),
    });
  }

  /**
   * How includes load: `'queries'` (one query per relation and level), `'json'` (the whole
   * tree in this query's statement, each relation's rows aggregated as JSON, no row repeated)
   * or `'auto'`, the default (`'json'` for a page of at most 1,000 records, 100 when the tree
   * holds a belongsTo or a many-to-many, and a tree at most 3 levels deep). Both give the same
   * records; `toSQL()` shows the statement chosen. Trees with a polymorphic belongsTo, or a
   * refining function that limits, selects, locks or includes, and queries of selected columns,
   * always load one query per relation.
   *
   * @example
   * await User.all().include('posts.comments').includeStrategy('json').limit(20);
   */
  includeStrategy(strategy: IncludeStrategy): Query<T, R> {
    if (strategy !== 'auto' && strategy !== 'json' && strategy !== 'queries') {
      throw new InvalidQueryError(
        `${this.source.meta.className}.includeStrategy() takes 'auto', 'json' or 'queries', got ${JSON.stringify(strategy)}`,
        this.source.meta.className,
      );
    }
    return this.with({ ...this.state, includeStrategy: strategy });
  }

  /**
   * Keeps records that have at least one related record (a semi-join: each record once).
   *
   * @example
   * Author.all().joins('books'); // authors with at least one book
   */
  joins(...relations: RelationKeys<T>[]): Query<T, R> {
    const filters = relations.map((r) => ({ [r]: {} }));
    return filters.reduce<Query<T, R>>((q, f) => q.where(f as WhereInput<T>), this);
  }

  /** Includes soft-deleted records (`@DeletedAt()`), which queries leave out by default. */
  withDeleted(): Query<T, R> {
    return this.with({ ...this.state, deleted: 'include' });
  }

  /** Only soft-deleted records. */
  onlyDeleted(): Query<T, R> {
    return this.with({ ...this.state, deleted: 'only' });
  }

  /** Lifts the model's default scope and the soft-delete filter. */
  unscoped(): Query<T, R> {
    return this.with({ ...this.state, deleted: 'include', scopeWhere: undefined });
  }

  /** Takes `scoped`'s conditions as this query's default scope (see `createQuery`). */
  withDefaultScope(scoped: Query<T, R>): Query<T, R> {
    return this.with({ ...this.state, scopeWhere: scoped.state.where });
  }

  /** Whether an order is set (relations apply their default order only when none is). */
  get isOrdered(): boolean {
    return this.state.order.length > 0;
  }

  /** Rows of the target of a many-to-many relation, each with its owner's key. */
  throughJoin(through: ThroughJoin): Query<T, R> {
    return this.with({ ...this.state, through });
  }

  /**
   * Rows whose `key` (columns of this model) holds one of `tuples`: how relation loads fetch
   * the related records of many owners in one statement. Values are checked like `where`'s.
   */
  whereKeyIn(key: KeyColumns, tuples: readonly (readonly unknown[])[]): Query<T, R> {
    const meta = this.source.meta;
    const checked = tuples.map((tuple) =>
      key.columns.map((c, i) => checkedValue(meta, c, tuple[i])),
    );
    const condition = keyIn(
      key.names,
      key.columns.map((c) => c.sqlType),
      checked,
    );
    return this.with({ ...this.state, where: [...this.state.where, condition] });
  }

  /** Labels the query for the N+1 detector's report. */
  issuedBy(origin: string): Query<T, R> {
    return this.with({ ...this.state, origin });
  }

  /** The SQL this query sends: `{ text, values }`. */
  toSQL(): CompiledQuery {
    const { text, values } = this.statement();
    return { text, values: values.map(ownCopy) };
  }

  /** The statement as compiled once for this query: sent as is, never handed out. */
  private statement(): CompiledQuery {
    return (this.compiled ??=
      this.jsonIncludePlan()?.statement ?? compileSelect(this.source.meta, this.state));
  }

  // Finder methods (finder-methods.ts)

  /** Runs the query. */
  async all(): Promise<R[]> {
    if (this.jsonIncludePlan()) return (await this.allWithRows()).records;
    return fetchRecords(this.resultSource, this.state, this.statement());
  }

  /** Runs the query, returning the raw rows along with the records (same order). */
  async allWithRows(): Promise<{ records: R[]; rows: Record<string, unknown>[] }> {
    const plan = this.jsonIncludePlan();
    if (!plan) return fetchRecordsAndRows(this.resultSource, this.state, this.statement());
    const state = { ...this.state, includes: undefined };
    const result = await fetchRecordsAndRows(
      this.resultSource,
      state,
      this.statement(),
      plan.prepareRow,
    );
    plan.attach(result.records as object[], result.rows);
    return result;
  }

  then<A = R[], B = never>(
    onfulfilled?: ((value: R[]) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.all().then(onfulfilled, onrejected);
  }

  catch<B = never>(
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<R[] | B> {
    return this.all().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<R[]> {
    return this.all().finally(onfinally);
  }

  /** The first record in the current order (by primary key when unordered), or null. */
  async first(): Promise<R | null> {
    return firstRecord(this.resultSource, this.state);
  }

  /** The last record: the current order reversed (primary key descending when unordered). */
  async last(): Promise<R | null> {
    return lastRecord(this.resultSource, this.state);
  }

  /**
   * The first record matching `input` within this query, or null. Lookups by the primary key
   * or a unique field made concurrently share one statement (see find-batcher.ts).
   */
  findBy(input: WhereInput<T>): Promise<R | null> {
    return findRecordBy(this.resultSource, this.state, this.where(input).state, input);
  }

  // Calculations (calculations.ts)

  async count(): Promise<number> {
    return countRows(this.source, this.state);
  }

  sum<K extends AttributeKeys<T>>(field: K): Promise<AggregateResult<T[K], 'sum'>> {
    return fieldAggregate(this.source, this.state, field, 'sum') as Promise<
      AggregateResult<T[K], 'sum'>
    >;
  }

  avg<K extends AttributeKeys<T>>(field: K): Promise<AggregateResult<T[K], 'avg'>> {
    return fieldAggregate(this.source, this.state, field, 'avg') as Promise<
      AggregateResult<T[K], 'avg'>
    >;
  }

  min<K extends AttributeKeys<T>>(field: K): Promise<T[K] | null> {
    return fieldAggregate(this.source, this.state, field, 'min') as Promise<T[K] | null>;
  }

  max<K extends AttributeKeys<T>>(field: K): Promise<T[K] | null> {
    return fieldAggregate(this.source, this.state, field, 'max') as Promise<T[K] | null>;
  }

  /** Groups by fields for aggregates: `groupBy('authorId').count()` → `[{ authorId, count }]`. */
  groupBy<K extends AttributeKeys<T>>(...fields: K[]): GroupedQuery<T, K> {
    return groupedBy(this.source, this.state, fields);
  }

  /** Values of one field (`pluck('id')` → ids) or tuples of several. */
  pluck<K extends AttributeKeys<T>>(field: K): Promise<Array<T[K]>>;
  pluck<K extends AttributeKeys<T>[]>(...fields: K): Promise<Array<{ [I in keyof K]: T[K[I]] }>>;
  async pluck(...fields: string[]): Promise<unknown[]> {
    return pluckValues(this.source, this.state, fields);
  }

  /**
   * The primary keys of the matching rows, in the query's order: values for a single key,
   * key objects for a composite one (`{ tenantId: 1, id: 7 }`, what `find` takes).
   *
   * @example
   * const ids = await Post.where({ authorId: 7 }).ids(); // [3, 8, 12]
   */
  async ids(): Promise<Array<PrimaryKeyValue<T>>> {
    return keyValues(this.source, this.state) as Promise<Array<PrimaryKeyValue<T>>>;
  }

  async exists(): Promise<boolean> {
    return anyRowExists(this.source, this.state);
  }

  // Bulk writes (bulk-writes.ts)

  /** One UPDATE for every matching row; no hooks, no validation. Returns the row count. */
  async updateAll(attributes: UpdateAllInput<T>): Promise<number> {
    return updateRows(this.source, this.state, attributes as Record<string, unknown>);
  }

  /** One DELETE for every matching row; no hooks. Returns the row count. */
  async deleteAll(): Promise<number> {
    return deleteRows(this.source, this.state);
  }

  // Batches (batches.ts)

  /**
   * Iterates the results through a server-side cursor, `batchSize` rows per round trip, in
   * constant memory.
   *
   * @example
   * for await (const post of Post.all().stream()) await index(post);
   */
  async *stream(options: { batchSize?: number } = {}): AsyncGenerator<R> {
    const batchSize =
      nonNegativeInteger(this.source.meta.className, 'batchSize', options.batchSize ?? 500) || 500;
    // A stream loads each batch's includes with one query per relation: the tree of a whole
    // table in one statement is what the cursor is there to avoid.
    const statement = this.jsonIncludePlan()
      ? compileSelect(this.source.meta, this.state)
      : this.toSQL();
    yield* streamRecords(this.resultSource, this.state, statement, batchSize);
  }

  private jsonIncludePlan(): JsonIncludePlan | undefined {
    if (this.includePlan === undefined) {
      const { includes, jsonIncludes } = this.state;
      this.includePlan =
        (includes?.length && jsonIncludes?.(this.source as QuerySource<object>, this.state)) ||
        null;
    }
    return this.includePlan ?? undefined;
  }

  /**
   * This query with another state. Callers write `{ ...this.state, limit }`: a spread followed
   * by named properties copies the state's hidden class and stores into it, where merging a
   * second object (`{ ...state, ...change }`) takes the generic copy, which profiles showed.
   */
  private with(state: QueryState): Query<T, R> {
    // The model's query class, which carries its named scopes.
    const QueryClass = this.constructor as typeof Query;
    return new QueryClass<T, R>(this.source, state);
  }

  /** The source as seen by what this query resolves to: `select()` narrows the records' type. */
  private get resultSource(): QuerySource<R> {
    return this.source as unknown as QuerySource<R>;
  }
}

function nonNegativeInteger(model: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidQueryError(`${model}: ${what} must be a non-negative integer`, model);
  }
  return value;
}

function lockNode(strength: LockNode['strength'], options: LockOptions): LockNode {
  if (options.skipLocked && options.noWait)
    throw new InvalidQueryError('A lock cannot both skip locked rows and not wait');
  if (options.skipLocked) return { strength, wait: 'SKIP LOCKED' };
  if (options.noWait) return { strength, wait: 'NOWAIT' };
  return { strength };
}

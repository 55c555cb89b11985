import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ColumnMeta, SqlType } from '../metadata/model-meta';
import {
  and,
  column,
  param,
  star,
  type Expr,
  type LockNode,
  type OrderNode,
  type SelectNode,
} from '../sql/nodes';
import { compileStatement, type CompiledQuery } from '../sql/query-compiler';
import { SqlFragment } from '../sql/sql-fragment';
import { aggregateValue, type AggregateResult } from './aggregate-result';
import type { AttributeKeys, AttributesInput } from './attribute-types';
import { streamRows } from './cursor-stream';
import { GroupedQuery } from './grouped-query';
import { keysetCondition } from './keyset';
import { parseOrder } from './order-parser';
import type { QuerySource } from './query-source';
import { assignmentsFor } from './assignments';
import { ownCopy } from '../util/objects';
import { unknownField } from './field-lookup';
import { parseWhere } from './where-parser';
import type { OrderInput, WhereInput } from './where-input';
import { parseIncludes, type IncludeNode } from './include-tree';
import { preloadIncludes, THROUGH_OWNER_KEY } from './relation-loader';
import type { IncludeInput, RelationKeys } from './relation-types';

interface QueryState {
  readonly where: readonly Expr[];
  readonly order: readonly OrderNode[];
  readonly limit?: number;
  readonly offset?: number;
  /** Selected properties; all columns when undefined. */
  readonly select?: readonly string[];
  readonly distinct?: boolean;
  readonly lock?: LockNode;
  readonly includes?: readonly IncludeNode[];
  readonly through?: ThroughJoin;
  /** Who issued the query, with the fix should it repeat (for the N+1 detector). */
  readonly origin?: string;
  /** Soft-deleted rows: left out (the default), included, or the only ones. */
  readonly deleted?: 'exclude' | 'include' | 'only';
  /** Conditions of the model's default scope, lifted by `unscoped()`. */
  readonly scopeWhere?: readonly Expr[];
}

/** The join table of a many-to-many load: rows of the target with their owner's key. */
export interface ThroughJoin {
  readonly table: string;
  readonly foreignColumn: string;
  readonly otherColumn: string;
  readonly targetKeyColumn: string;
  readonly ownerKeys: readonly unknown[];
  readonly ownerKeyType: SqlType;
}

const THROUGH_ALIAS = '__through';

export interface LockOptions {
  /** Skip rows another transaction has locked (job queues). */
  skipLocked?: boolean;
  /** Fail at once instead of waiting for a locked row. */
  noWait?: boolean;
}

/** `updateAll` input: values of the fields, or `sql` expressions (`sql\`views + 1\``). */
export type UpdateAllInput<T> = {
  [K in keyof AttributesInput<T>]?: AttributesInput<T>[K] | SqlFragment;
};

/** Records with only the selected attributes (the others are absent, not undefined values). */
export type Selected<T, K extends keyof T> = Omit<T, Exclude<AttributeKeys<T>, K>>;

/**
 * An immutable, awaitable query of model `T`. Every method returns a new query; awaiting one
 * runs it and resolves to records.
 *
 * @example
 * const posts = await Post.where({ authorId: 7 }).order({ createdAt: 'desc' }).limit(20);
 */
export class Query<T, R = T> implements Promise<R[]> {
  readonly [Symbol.toStringTag] = 'Query';
  private compiled?: CompiledQuery;

  constructor(
    readonly source: QuerySource<T>,
    private readonly state: QueryState = { where: [], order: [] },
  ) {}

  /** Adds conditions, ANDed with the existing ones. */
  where(input: WhereInput<T> | SqlFragment): Query<T, R> {
    return this.with({ where: [...this.state.where, parseWhere(this.source.meta, input)] });
  }

  /** Adds a negated condition: `whereNot({ status: 'draft' })`. */
  whereNot(input: WhereInput<T> | SqlFragment): Query<T, R> {
    return this.with({
      where: [...this.state.where, { kind: 'not', item: parseWhere(this.source.meta, input) }],
    });
  }

  /** Matches the current conditions OR any of the alternatives: `where(a).or(b, c)`. */
  or(...alternatives: Array<WhereInput<T> | SqlFragment>): Query<T, R> {
    const branches = [
      and(this.state.where),
      ...alternatives.map((a) => parseWhere(this.source.meta, a)),
    ];
    return this.with({ where: [{ kind: 'or', items: branches }] });
  }

  /** Appends ORDER BY items; field names and directions are checked. */
  order(...inputs: Array<OrderInput<T> | SqlFragment>): Query<T, R> {
    return this.with({ order: [...this.state.order, ...parseOrder(this.source.meta, inputs)] });
  }

  /** Replaces the ordering. */
  reorder(...inputs: Array<OrderInput<T> | SqlFragment>): Query<T, R> {
    return this.with({ order: parseOrder(this.source.meta, inputs) });
  }

  limit(count: number): Query<T, R> {
    return this.with({ limit: nonNegativeInteger(this.source.meta.className, 'limit', count) });
  }

  offset(count: number): Query<T, R> {
    return this.with({ offset: nonNegativeInteger(this.source.meta.className, 'offset', count) });
  }

  /** Loads only these attributes (the primary key is always loaded). */
  select<K extends AttributeKeys<T>>(
    ...fields: K[]
  ): Query<T, Selected<T, K | Extract<'id', AttributeKeys<T>>>> {
    for (const f of fields) this.field(f);
    const pk = this.source.meta.primaryKey.property;
    const select = fields.includes(pk as K) ? fields : [pk, ...fields];
    const QueryClass = this.constructor as typeof Query;
    return new QueryClass<T, Selected<T, K | Extract<'id', AttributeKeys<T>>>>(this.source, {
      ...this.state,
      select,
    });
  }

  distinct(): Query<T, R> {
    return this.with({ distinct: true });
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
    return this.with({ where: [...this.state.where, condition] });
  }

  /** `SELECT … FOR UPDATE`; use inside a transaction. */
  forUpdate(options: LockOptions = {}): Query<T, R> {
    return this.with({ lock: lockNode('UPDATE', options) });
  }

  /** `SELECT … FOR SHARE`; use inside a transaction. */
  forShare(options: LockOptions = {}): Query<T, R> {
    return this.with({ lock: lockNode('SHARE', options) });
  }

  /**
   * Eager loading: one query per relation and level (`= ANY($1)`), whatever the number of
   * records, never a join that repeats rows. Paths are checked against the models.
   *
   * @example
   * Post.all().include('author', 'comments.author');
   * Post.all().include({ comments: (q) => q.where({ approved: true }).order({ id: 'asc' }) });
   */
  include(...inputs: IncludeInput<T>[]): Query<T, R> {
    return this.with({
      includes: parseIncludes(this.source.meta, inputs, this.state.includes),
    });
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
    return this.with({ deleted: 'include' });
  }

  /** Only soft-deleted records. */
  onlyDeleted(): Query<T, R> {
    return this.with({ deleted: 'only' });
  }

  /** Lifts the model's default scope and the soft-delete filter. */
  unscoped(): Query<T, R> {
    return this.with({ deleted: 'include', scopeWhere: undefined });
  }

  /** Takes `scoped`'s conditions as this query's default scope (see `createQuery`). */
  withDefaultScope(scoped: Query<T, R>): Query<T, R> {
    return this.with({ scopeWhere: scoped.state.where });
  }

  /** Whether an order is set (relations apply their default order only when none is). */
  get isOrdered(): boolean {
    return this.state.order.length > 0;
  }

  /** Rows of the target of a many-to-many relation, each with its owner's key. */
  throughJoin(through: ThroughJoin): Query<T, R> {
    return this.with({ through });
  }

  /** Runs the query. */
  async all(): Promise<R[]> {
    return (await this.allWithRows()).records;
  }

  /** Labels the query for the N+1 detector's report. */
  issuedBy(origin: string): Query<T, R> {
    return this.with({ origin });
  }

  /** Runs the query, returning the raw rows along with the records (same order). */
  async allWithRows(): Promise<{ records: R[]; rows: Record<string, unknown>[] }> {
    const statement = this.toSQL();
    const { rows } = await this.source.connection.execute(
      this.state.origin ? { ...statement, origin: this.state.origin } : statement,
    );
    return { records: await this.recordsOf(rows), rows };
  }

  /** Hydrates one batch of rows (one sibling group) and loads its includes. */
  private async recordsOf(rows: Record<string, unknown>[]): Promise<R[]> {
    const records = this.source.hydrate(rows, this.state.select !== undefined);
    if (this.state.includes?.length) {
      await preloadIncludes(
        this.source as unknown as QuerySource<object>,
        records as object[],
        this.state.includes,
      );
    }
    return records as unknown as R[];
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
    const ordered = this.state.order.length
      ? this
      : this.with({ order: [this.primaryKeyOrder('ASC')] });
    const [record] = await ordered.limit(1).all();
    return record ?? null;
  }

  /** The last record: the current order reversed (primary key descending when unordered). */
  async last(): Promise<R | null> {
    if (this.state.limit !== undefined || this.state.offset !== undefined) {
      // reversing the order would pick another page: the last row of this one
      return (await this.all()).at(-1) ?? null;
    }
    if (this.state.order.some((o) => o.verbatim)) {
      throw new InvalidQueryError(
        `${this.source.meta.className}.last() cannot reverse a raw sql ordering; order by fields, or use first() with the reversed fragment`,
        this.source.meta.className,
      );
    }
    const order = this.state.order.length
      ? this.state.order.map(
          (o) =>
            ({
              ...o,
              direction: o.direction === 'ASC' ? 'DESC' : 'ASC',
              ...(o.nulls && { nulls: o.nulls === 'FIRST' ? 'LAST' : 'FIRST' }),
            }) as OrderNode,
        )
      : [this.primaryKeyOrder('DESC')];
    const [record] = await this.with({ order }).limit(1).all();
    return record ?? null;
  }

  /** The first record matching `input` within this query, or null. */
  findBy(input: WhereInput<T>): Promise<R | null> {
    return this.where(input)
      .limit(1)
      .all()
      .then((rows) => rows[0] ?? null);
  }

  async count(): Promise<number> {
    const value = await this.aggregate({
      kind: 'aggregate',
      fn: 'count',
      arg: '*',
      distinct: false,
    });
    return Number(value);
  }

  sum<K extends AttributeKeys<T>>(field: K): Promise<AggregateResult<T[K], 'sum'>> {
    return this.fieldAggregate(field, 'sum');
  }

  avg<K extends AttributeKeys<T>>(field: K): Promise<AggregateResult<T[K], 'avg'>> {
    return this.fieldAggregate(field, 'avg');
  }

  min<K extends AttributeKeys<T>>(field: K): Promise<T[K] | null> {
    return this.fieldAggregate(field, 'min') as Promise<T[K] | null>;
  }

  max<K extends AttributeKeys<T>>(field: K): Promise<T[K] | null> {
    return this.fieldAggregate(field, 'max') as Promise<T[K] | null>;
  }

  /** Groups by fields for aggregates: `groupBy('authorId').count()` → `[{ authorId, count }]`. */
  groupBy<K extends AttributeKeys<T>>(...fields: K[]): GroupedQuery<T, K> {
    if (fields.length === 0)
      throw new InvalidQueryError('groupBy() needs at least one field', this.source.meta.className);
    return new GroupedQuery<T, K>(
      this.source.meta,
      this.source.connection,
      fields.map((f) => this.field(f)),
      this.filters(),
    );
  }

  /** Values of one field (`pluck('id')` → ids) or tuples of several. */
  pluck<K extends AttributeKeys<T>>(field: K): Promise<Array<T[K]>>;
  pluck<K extends AttributeKeys<T>[]>(...fields: K): Promise<Array<{ [I in keyof K]: T[K[I]] }>>;
  async pluck(...fields: string[]): Promise<unknown[]> {
    const columns = fields.map((f) => this.field(f));
    if (columns.length === 0)
      throw new InvalidQueryError('pluck() needs at least one field', this.source.meta.className);
    const { rows } = await this.source.connection.execute(
      compileStatement(this.selectNode(columns.map((c) => column(c.name)))),
    );
    if (columns.length === 1) return rows.map((row) => row[columns[0]!.name]);
    return rows.map((row) => columns.map((c) => row[c.name]));
  }

  async exists(): Promise<boolean> {
    const { limit, offset } = this.state;
    if (limit === 0) return false;
    const node: SelectNode = {
      kind: 'select',
      from: this.source.meta.tableName,
      columns: [{ kind: 'keyword', keyword: 'TRUE' }],
      where: this.whereExpr(),
      limit: param(1),
      offset: offset === undefined ? undefined : param(offset),
    };
    const { rows } = await this.source.connection.execute(compileStatement(node));
    return rows.length > 0;
  }

  /** One UPDATE for every matching row; no hooks, no validation. Returns the row count. */
  async updateAll(attributes: UpdateAllInput<T>): Promise<number> {
    const set = assignmentsFor(this.source.meta, attributes as Record<string, unknown>);
    const { rowCount } = await this.source.connection.execute(
      compileStatement({
        kind: 'update',
        table: this.source.meta.tableName,
        set,
        where: this.writeScope(),
      }),
    );
    this.source.afterBulkWrite();
    return rowCount;
  }

  /** One DELETE for every matching row; no hooks. Returns the row count. */
  async deleteAll(): Promise<number> {
    const { rowCount } = await this.source.connection.execute(
      compileStatement({
        kind: 'delete',
        table: this.source.meta.tableName,
        where: this.writeScope(),
      }),
    );
    this.source.afterBulkWrite();
    return rowCount;
  }

  /** The SQL this query sends: `{ text, values }`. */
  toSQL(): CompiledQuery {
    this.compiled ??= compileStatement(this.selectNode(this.selectColumns()));
    return { text: this.compiled.text, values: this.compiled.values.map(ownCopy) };
  }

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
    for await (const rows of streamRows(this.source.connection, this.toSQL(), batchSize)) {
      yield* await this.recordsOf(rows);
    }
  }

  private with(change: Partial<QueryState>): Query<T, R> {
    // The model's query class, which carries its named scopes.
    const QueryClass = this.constructor as typeof Query;
    return new QueryClass<T, R>(this.source, { ...this.state, ...change });
  }

  /** Every condition: the soft-delete filter, the default scope, then `where` calls. */
  private filters(): Expr[] {
    const { deleted, scopeWhere, where } = this.state;
    const stamp = this.source.meta.deletedAt;
    const filters: Expr[] = [];
    if (stamp && deleted !== 'include') {
      filters.push({ kind: 'isNull', item: column(stamp.name), negated: deleted === 'only' });
    }
    if (scopeWhere) filters.push(...scopeWhere);
    filters.push(...where);
    return filters;
  }

  private field(property: string): ColumnMeta {
    const field = this.source.meta.column(property);
    if (!field) throw unknownField(this.source.meta, property);
    return field;
  }

  private whereExpr(): Expr | undefined {
    const filters = this.filters();
    return filters.length ? and(filters) : undefined;
  }

  private selectColumns(): Expr[] {
    const columns = this.state.select
      ? this.state.select.map((p) => column(this.field(p).name))
      : [star];
    if (!this.state.through) return columns;
    const ownerKey: Expr = {
      kind: 'alias',
      item: column(this.state.through.foreignColumn, THROUGH_ALIAS),
      alias: THROUGH_OWNER_KEY,
    };
    return [...columns, ownerKey];
  }

  private selectNode(columns: Expr[]): SelectNode {
    const { order, limit, offset, distinct, lock, through } = this.state;
    return {
      kind: 'select',
      from: this.source.meta.tableName,
      columns,
      distinct,
      ...(through ? this.throughClauses(through) : { where: this.whereExpr() }),
      orderBy: order,
      limit: limit === undefined ? undefined : param(limit),
      offset: offset === undefined ? undefined : param(offset),
      lock,
    };
  }

  /** JOIN of the join table, and the owners' keys as one array parameter. */
  private throughClauses(through: ThroughJoin): Pick<SelectNode, 'joins' | 'where'> {
    const ownerKey = column(through.foreignColumn, THROUGH_ALIAS);
    const owners: Expr = {
      kind: 'inArray',
      left: ownerKey,
      array: param(through.ownerKeys, { ...through.ownerKeyType, array: true }),
      negated: false,
    };
    return {
      joins: [
        {
          table: through.table,
          alias: THROUGH_ALIAS,
          on: {
            kind: 'binary',
            operator: '=',
            left: column(through.otherColumn, THROUGH_ALIAS),
            right: column(through.targetKeyColumn),
          },
        },
      ],
      where: and([owners, ...this.filters()]),
    };
  }

  /** UPDATE and DELETE have no LIMIT: a limited query targets its rows by primary key. */
  private writeScope(): Expr | undefined {
    const { limit, offset, order } = this.state;
    if (limit === undefined && offset === undefined && order.length === 0) return this.whereExpr();
    const pk = this.source.meta.primaryKey.name;
    return { kind: 'inSubquery', left: column(pk), query: this.selectNode([column(pk)]) };
  }

  private primaryKeyOrder(direction: 'ASC' | 'DESC'): OrderNode {
    return { expr: column(this.source.meta.primaryKey.name), direction };
  }

  private async aggregate(expr: Expr): Promise<unknown> {
    const { limit, offset } = this.state;
    const value: Expr = { kind: 'alias', item: expr, alias: 'value' };
    const node: SelectNode =
      limit === undefined && offset === undefined
        ? {
            kind: 'select',
            from: this.source.meta.tableName,
            columns: [value],
            where: this.whereExpr(),
          }
        : {
            kind: 'select',
            from: { query: this.selectNode([star]), alias: 'scoped' },
            columns: [value],
          };
    const { rows } = await this.source.connection.execute(compileStatement(node));
    return rows[0]?.value;
  }

  private async fieldAggregate<K extends AttributeKeys<T>>(
    property: K,
    fn: 'sum' | 'avg' | 'min' | 'max',
  ): Promise<never> {
    const field = this.field(property);
    const raw = await this.aggregate({
      kind: 'aggregate',
      fn,
      arg: column(field.name),
      distinct: false,
    });
    return aggregateValue(field, fn, raw) as never;
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

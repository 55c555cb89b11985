import { InputNotPermittedError } from '../errors/input-not-permitted-error';
import type { ModelMeta } from '../metadata/model-meta';
import type { Model, ModelClass } from '../model/model';
import { bindingOf } from '../model/connection-binding';
import type { AttributeKeys } from '../query/attribute-types';
import { parseIncludes } from '../query/include-tree';
import type { Query } from '../query/query';
import type { IncludePath, RelationKeys, RelationTarget } from '../query/relation-types';
import type { OrderInput, WhereInput } from '../query/where-input';
import { isPlainObject } from '../util/objects';
import { foldBrackets } from './bracket-params';
import { PolicyError } from '../errors/policy-error';
import {
  resolveFilterPermission,
  type FilterOperator,
  type FilterPermission,
} from './filter-permissions';
import { permittedWhere } from './permitted-filter';
import { requestCount, type ValueLimits } from './request-values';

type Depth = [never, 0, 1, 2];

/** A field of the model or, through relations, of a related one: `'title' | 'author.username'`. */
export type FilterPath<T, D extends number = 3> = [D] extends [never]
  ? never
  : | AttributeKeys<T>
    | {
        [K in RelationKeys<T>]: `${K}.${FilterPath<RelationTarget<T[K]>, Depth[D]>}`;
      }[RelationKeys<T>];

/** What clients of one endpoint may ask of a model's records. */
export interface QueryPolicyOptions<T> {
  /**
   * The fields a client may filter by, each with the operators it may use; `true` grants an
   * exact value only. `@Hidden()` fields can never be granted.
   */
  readonly filter?: { readonly [P in FilterPath<T>]?: true | readonly FilterOperator[] };
  /** The fields a client may sort by (`?sort=-createdAt,title`). */
  readonly sort?: readonly AttributeKeys<T>[];
  /** The order when the client gives none, in the same syntax: `'-createdAt'`. */
  readonly defaultSort?: string;
  /** The relations a client may ask to have included (`?include=author,tags`). */
  readonly include?: readonly IncludePath<T>[];
  /** Page size: the default and the most a client may ask for (20 and 100 unless set). */
  readonly limit?: { readonly default?: number; readonly max?: number };
  /** The deepest offset a client may ask for (10,000 unless set): each skipped row is read. */
  readonly maxOffset?: number;
  /** Most values in one list filter (100 unless set). */
  readonly maxListSize?: number;
  /** Longest string in a filter (200 unless set). */
  readonly maxStringLength?: number;
}

/** A client's list request, checked against the policy; ready for `Query` methods. */
export interface PermittedQuery<T> {
  readonly where: WhereInput<T>;
  readonly order: OrderInput<T>[];
  readonly include: IncludePath<T>[];
  readonly limit: number;
  readonly offset: number;
}

/** The options as read at run time, where the model's types are gone. */
interface UntypedOptions {
  readonly filter?: Readonly<Record<string, true | readonly string[] | undefined>>;
  readonly sort?: readonly string[];
  readonly include?: readonly string[];
}

interface ResolvedPolicy {
  readonly filters: ReadonlyMap<string, FilterPermission>;
  readonly sortable: ReadonlySet<string>;
  /** The primary key's properties, in key order. */
  readonly primaryKeys: readonly string[];
}

/**
 * The boundary between a request and a query, in the spirit of Rails' strong parameters: an
 * endpoint declares which fields clients may filter and sort by, with which operators, which
 * relations they may include and how large a page may be. Everything else in the request is
 * refused with `InputNotPermittedError` (400 through `OrmExceptionFilter`) before any SQL.
 *
 * Request parameters: `filter` (`filter[title][ilike]=%nest%`, `filter[author.username]=ada`),
 * `sort` (`-createdAt,title`), `include` (`author,tags`), `limit`, `offset` — from a query
 * string (flat `[bracket]` keys or already nested) or a JSON body.
 *
 * @example
 * const articleList = permitQuery(Article, {
 *   filter: { title: ['eq', 'ilike'], 'author.username': true, createdAt: ['gte', 'lt'] },
 *   sort: ['createdAt', 'title'],
 *   include: ['author'],
 * });
 * @Get() list(@Query() query: Record<string, unknown>) { return articleList.apply(query); }
 */
export function permitQuery<T extends Model>(
  model: ModelClass<T>,
  options: QueryPolicyOptions<T>,
): QueryPolicy<T> {
  return new QueryPolicy(model, options);
}

export class QueryPolicy<T extends Model> {
  private readonly limits: ValueLimits;
  private readonly resolved = new WeakMap<ModelMeta, ResolvedPolicy>();

  constructor(
    private readonly model: ModelClass<T>,
    private readonly options: QueryPolicyOptions<T>,
  ) {
    this.limits = {
      maxListSize: options.maxListSize ?? 100,
      maxStringLength: options.maxStringLength ?? 200,
    };
  }

  /** The client's list request as a query: `base` (default: all records) filtered, sorted, paged. */
  apply(params: unknown, base?: Query<T>): Query<T> {
    const query = base ?? (bindingOf(this.model).repository.all() as unknown as Query<T>);
    const permitted = this.parse(params, query);
    let result = query.where(permitted.where).order(...permitted.order);
    if (permitted.include.length) result = result.include(...permitted.include);
    return result.limit(permitted.limit).offset(permitted.offset);
  }

  /** Checks the whole request (`filter`, `sort`, `include`, `limit`, `offset`). */
  parse(params: unknown, base?: Query<T>): PermittedQuery<T> {
    const accepted = ['filter', 'sort', 'include', 'limit', 'offset'];
    const folded = isPlainObject(params) ? foldBrackets(params) : undefined;
    if (params !== undefined && !folded) {
      throw new InputNotPermittedError('query', 'expects named parameters');
    }
    for (const key of Object.keys(folded ?? {})) {
      if (!accepted.includes(key)) {
        throw new InputNotPermittedError(
          key,
          `not a parameter of this endpoint; use ${accepted.join(', ')}`,
        );
      }
    }
    const get = (key: string) => (folded && Object.hasOwn(folded, key) ? folded[key] : undefined);
    const limit = this.options.limit ?? {};
    return {
      where: this.where(get('filter'), base),
      order: this.order(get('sort'), base),
      include: this.includes(get('include'), base),
      limit:
        get('limit') === undefined
          ? (limit.default ?? 20)
          : requestCount(get('limit'), 'limit', limit.max ?? 100),
      offset:
        get('offset') === undefined
          ? 0
          : requestCount(get('offset'), 'offset', this.options.maxOffset ?? 10_000),
    };
  }

  /**
   * A filter alone, for endpoints whose parameters have their own names:
   * `articleList.where({ 'tags.name': tag, 'author.username': author })`.
   */
  where(filter: unknown, base?: Query<T>): WhereInput<T> {
    return permittedWhere(this.resolve(base).filters, filter, this.limits) as WhereInput<T>;
  }

  /** `-createdAt,title` (or a list of such, or `{ createdAt: 'desc' }`) as `order()` input. */
  order(sort: unknown, base?: Query<T>): OrderInput<T>[] {
    const policy = this.resolve(base);
    const items = sort === undefined ? sortItems(this.options.defaultSort ?? '') : sortItems(sort);
    const order: Record<string, 'asc' | 'desc'>[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const descending = item.startsWith('-');
      const field = descending ? item.slice(1) : item;
      if (
        !policy.sortable.has(field) &&
        !(sort === undefined && policy.primaryKeys.includes(field))
      ) {
        throw new InputNotPermittedError(
          'sort',
          `"${field}" is not a field this endpoint sorts by; permitted: ${[...policy.sortable].join(', ') || 'none'}`,
        );
      }
      if (seen.has(field)) throw new InputNotPermittedError('sort', `"${field}" given twice`);
      seen.add(field);
      order.push({ [field]: descending ? 'desc' : 'asc' });
    }
    // The primary key last: pages of equal sort values come back in the same order every time.
    for (const key of policy.primaryKeys) if (!seen.has(key)) order.push({ [key]: 'asc' });
    return order as OrderInput<T>[];
  }

  /** `author,tags` (or a list) as `include()` input; only relations the policy names. */
  includes(include: unknown, base?: Query<T>): IncludePath<T>[] {
    this.resolve(base);
    if (include === undefined) return [];
    const permitted = new Set<string>(this.options.include ?? []);
    const items = listItems(include, 'include');
    for (const item of items) {
      if (!permitted.has(item)) {
        throw new InputNotPermittedError(
          'include',
          `"${item}" is not a relation this endpoint includes; permitted: ${[...permitted].join(', ') || 'none'}`,
        );
      }
    }
    return [...new Set(items)] as IncludePath<T>[];
  }

  private resolve(base?: Query<T>): ResolvedPolicy {
    const meta = base?.source.meta ?? bindingOf(this.model).meta;
    let resolved = this.resolved.get(meta);
    if (!resolved) {
      resolved = resolvePolicy(meta, this.options as UntypedOptions);
      this.resolved.set(meta, resolved);
    }
    return resolved;
  }
}

/** Checks the policy against the model once, on first use (models are bound by then). */
function resolvePolicy(meta: ModelMeta, options: UntypedOptions): ResolvedPolicy {
  const filters = new Map<string, FilterPermission>();
  for (const [path, grant] of Object.entries(options.filter ?? {})) {
    if (grant) filters.set(path, resolveFilterPermission(meta, path, grant));
  }
  const sortable = new Set<string>();
  for (const field of options.sort ?? []) {
    if (!meta.column(field))
      throw new PolicyError(`${meta.className} has no field "${field}" (sort)`);
    if (meta.hidden.has(field)) {
      throw new PolicyError(`${meta.className}.${field} is @Hidden(): clients never sort by it`);
    }
    sortable.add(field);
  }
  parseIncludes(meta, options.include ?? []);
  return { filters, sortable, primaryKeys: meta.key.properties };
}

function sortItems(sort: unknown): string[] {
  if (isPlainObject(sort)) {
    return Object.keys(sort).map((field) => {
      const direction = sort[field];
      if (direction !== 'asc' && direction !== 'desc') {
        throw new InputNotPermittedError(`sort[${field}]`, "expects 'asc' or 'desc'");
      }
      return direction === 'desc' ? `-${field}` : field;
    });
  }
  return listItems(sort, 'sort');
}

/** `a,b` or `['a', 'b']` (a repeated query parameter) as trimmed, non-empty names. */
function listItems(value: unknown, parameter: string): string[] {
  const parts = Array.isArray(value) ? value : [value];
  if (parts.length > 20 || !parts.every((p) => typeof p === 'string' && p.length <= 500)) {
    throw new InputNotPermittedError(parameter, 'expects comma-separated names');
  }
  return (parts as string[])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

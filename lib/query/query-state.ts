import type { LockNode, Expr, OrderNode } from '../sql/nodes';
import type { CompiledQuery } from '../sql/query-compiler';
import type { SqlType } from '../metadata/model-meta';
import type { IncludeNode } from './include-tree';
import type { QuerySource } from './query-source';

/**
 * Everything a query has been told. Queries are immutable: each builder method makes a new
 * query with a changed copy, and the finders, calculations and writes read it.
 */
export interface QueryState {
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
  /** Where a lookup sent later (batched) was asked for: the N+1 report's call site. */
  readonly issuedAt?: Error;
  /** Relations whose related rows are counted in the statement (`withCount`). */
  readonly counts?: readonly string[];
  /** Soft-deleted rows: left out (the default), included, or the only ones. */
  readonly deleted?: 'exclude' | 'include' | 'only';
  /** Conditions of the model's default scope, lifted by `unscoped()`. */
  readonly scopeWhere?: readonly Expr[];
  /**
   * Loads `includes` into the records. Handed in by `createQuery`: the relation loader runs
   * queries of its own, so a query cannot import it without importing itself.
   */
  readonly includeLoader?: IncludeLoader;
  /** How includes load: see `IncludeStrategy`. */
  readonly includeStrategy?: IncludeStrategy;
  /** Plans the one-statement include strategy; handed in by `createQuery` like the loader. */
  readonly jsonIncludes?: JsonIncludePlanner;
}

/**
 * A query state with every property present, in one order. States are copied by spreading
 * (`{ ...state, limit }`), which keeps the source's hidden class when the property exists: so
 * all states share one, and the compiler's many reads of them stay monomorphic. A state that
 * started with only some properties got a new hidden class for each one added, in whatever
 * order a query chain added them.
 */
export function queryState(fields: Partial<QueryState> = {}): QueryState {
  return {
    where: fields.where ?? [],
    order: fields.order ?? [],
    limit: fields.limit,
    offset: fields.offset,
    select: fields.select,
    distinct: fields.distinct,
    lock: fields.lock,
    includes: fields.includes,
    through: fields.through,
    origin: fields.origin,
    issuedAt: fields.issuedAt,
    counts: fields.counts,
    deleted: fields.deleted,
    scopeWhere: fields.scopeWhere,
    includeLoader: fields.includeLoader,
    includeStrategy: fields.includeStrategy,
    jsonIncludes: fields.jsonIncludes,
  };
}

/**
 * How a query loads its includes: `'queries'`, one query per relation and level; `'json'`,
 * the whole tree in the query's own statement (each relation's rows aggregated as JSON in a
 * correlated subquery); `'auto'` (the default), `'json'` for a page of at most 1,000 records
 * (100 when the tree holds a belongsTo or a many-to-many) and a tree at most 3 levels deep,
 * `'queries'` otherwise. Both give the same records.
 */
export type IncludeStrategy = 'auto' | 'json' | 'queries';

/** The query's statement with its includes in it, and how to attach them from its rows. */
export interface JsonIncludePlan {
  readonly statement: CompiledQuery;
  /**
   * Readies a row's related rows (their drivers' values, their keys from the owner, their
   * records where the model allows) as the row arrives, while the server computes the next;
   * `attach` readies those it did not get.
   */
  readonly prepareRow: (row: Record<string, unknown>) => void;
  readonly attach: (records: readonly object[], rows: readonly Record<string, unknown>[]) => void;
}

export type JsonIncludePlanner = (
  source: QuerySource<object>,
  state: QueryState,
) => JsonIncludePlan | undefined;

/** Loads included relations into records of `source`'s model, level by level. */
export type IncludeLoader = (
  source: QuerySource<object>,
  records: readonly object[],
  includes: readonly IncludeNode[],
) => Promise<void>;

/**
 * The join table of a many-to-many load: rows of the target with their owner's key. Columns
 * are lists, one per column of the key they refer to; owner keys are tuples in that order.
 */
export interface ThroughJoin {
  readonly table: string;
  readonly foreignColumns: readonly string[];
  readonly otherColumns: readonly string[];
  readonly targetKeyColumns: readonly string[];
  readonly ownerKeys: readonly (readonly unknown[])[];
  readonly ownerKeyTypes: readonly SqlType[];
}

/** Column alias carrying part `index` of the owner's key in many-to-many loads. */
export function throughOwnerKeyAlias(index: number): string {
  return index === 0 ? '__owner_key' : `__owner_key_${index}`;
}

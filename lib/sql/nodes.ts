import type { SqlType } from '../metadata/model-meta';
import type { SqlFragment } from './sql-fragment';

/** Binary operators the compiler knows; nothing else is ever placed between two operands. */
export type BinaryOperator =
  | '='
  | '<>'
  | '>'
  | '>='
  | '<'
  | '<='
  | 'LIKE'
  | 'ILIKE'
  | 'NOT LIKE'
  | 'NOT ILIKE'
  | '@>'
  | '<@'
  | '&&'
  | '>>='
  | '<<='
  | '@@'
  | '?';

export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'json_agg';

/** An expression of the SQL tree. Nodes are plain, immutable objects. */
export type Expr =
  | { readonly kind: 'column'; readonly name: string; readonly table?: string }
  | { readonly kind: 'param'; readonly value: unknown; readonly cast?: SqlType }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expr;
      readonly right: Expr;
    }
  /** `left = ANY(array)`, or `left <> ALL(array)` when negated: IN with one parameter. */
  | {
      readonly kind: 'inArray';
      readonly left: Expr;
      readonly array: Expr;
      readonly negated: boolean;
    }
  | { readonly kind: 'and'; readonly items: readonly Expr[] }
  | { readonly kind: 'or'; readonly items: readonly Expr[] }
  | { readonly kind: 'not'; readonly item: Expr }
  | { readonly kind: 'isNull'; readonly item: Expr; readonly negated: boolean }
  | { readonly kind: 'between'; readonly item: Expr; readonly low: Expr; readonly high: Expr }
  | { readonly kind: 'fragment'; readonly fragment: SqlFragment }
  | {
      readonly kind: 'aggregate';
      readonly fn: AggregateFunction;
      readonly arg: Expr | '*';
      readonly distinct: boolean;
    }
  | { readonly kind: 'row'; readonly items: readonly Expr[] }
  | { readonly kind: 'alias'; readonly item: Expr; readonly alias: string }
  | { readonly kind: 'exists'; readonly query: SelectNode }
  | { readonly kind: 'inSubquery'; readonly left: Expr; readonly query: SelectNode }
  /**
   * `left IN (SELECT * FROM unnest($1, $2, …))`: a row among tuples given as one array
   * parameter per part, so the text and parameter count do not grow with the tuples.
   */
  | { readonly kind: 'inUnnest'; readonly left: Expr; readonly arrays: readonly Expr[] }
  /** `expr::type`. */
  | { readonly kind: 'cast'; readonly item: Expr; readonly type: SqlType }
  /** `table.*`. */
  | { readonly kind: 'tableStar'; readonly table: string }
  /** `(SELECT …)` yielding one value, e.g. ordering by a parent's column. */
  | { readonly kind: 'subquery'; readonly query: SelectNode }
  /**
   * `(SELECT json_build_array(json_agg(column1), json_agg(column2), …) FROM …)`: the rows of a
   * correlated subquery as one JSON array per column (no keys to repeat, build or parse; each
   * column's JSON form worked out once per aggregate, not once per value), all in the query's
   * order, or `[null, …]` when there is no row. At most 100 columns (PostgreSQL's limit on
   * function arguments).
   */
  | { readonly kind: 'jsonColumns'; readonly query: SelectNode }
  /**
   * `(SELECT json_build_array(columns…) FROM … ORDER BY … LIMIT 1)`: the first row of a
   * correlated subquery as one JSON array, or null when there is none. At most 100 columns.
   */
  | { readonly kind: 'jsonRow'; readonly query: SelectNode }
  /** `json_build_array(items…)`, inside `jsonRow` and `jsonColumns`. */
  | { readonly kind: 'jsonArray'; readonly items: readonly Expr[] }
  | { readonly kind: 'keyword'; readonly keyword: 'TRUE' | 'FALSE' | 'NULL' | 'DEFAULT' | '*' };

export interface OrderNode {
  readonly expr: Expr;
  readonly direction: 'ASC' | 'DESC';
  /** A raw fragment that carries its own direction: nothing is appended to it. */
  readonly verbatim?: boolean;
  readonly nulls?: 'FIRST' | 'LAST';
}

export interface LockNode {
  readonly strength: 'UPDATE' | 'NO KEY UPDATE' | 'SHARE' | 'KEY SHARE';
  readonly wait?: 'NOWAIT' | 'SKIP LOCKED';
}

/** `JOIN table AS alias ON …`. While a select has joins, its unqualified columns belong to `from`. */
export interface JoinNode {
  readonly table: string;
  readonly alias: string;
  readonly on: Expr;
}

export interface SelectNode {
  readonly kind: 'select';
  /** A table name, or a subquery with its alias. */
  readonly from: string | { readonly query: SelectNode; readonly alias: string };
  /** Alias of a `from` table (correlated subqueries name their own table). */
  readonly alias?: string;
  readonly joins?: readonly JoinNode[];
  readonly columns: readonly Expr[];
  readonly distinct?: boolean;
  readonly where?: Expr;
  readonly groupBy?: readonly Expr[];
  readonly having?: Expr;
  readonly orderBy?: readonly OrderNode[];
  readonly limit?: Expr;
  readonly offset?: Expr;
  readonly lock?: LockNode;
}

/** Rows to insert: literal tuples, or one array parameter per column read through `unnest`. */
export type InsertSource =
  | { readonly kind: 'values'; readonly rows: readonly (readonly Expr[])[] }
  | {
      readonly kind: 'unnest';
      /** One array parameter per column (or, where `constant` says so, one value for all rows). */
      readonly arrays: readonly Expr[];
      /** Per column: the same value for every row, selected beside the unnested columns. */
      readonly constant?: readonly boolean[];
      /**
       * Per column, the type to cast each element back to: array columns travel as text
       * literals, since unnest would flatten an array of arrays.
       */
      readonly elementCasts: readonly (SqlType | undefined)[];
    }
  /** `INSERT … SELECT …`: rows computed by a query (join rows from the rows they link). */
  | { readonly kind: 'select'; readonly query: SelectNode }
  | { readonly kind: 'defaultValues' }
  /** `INSERT … SELECT FROM generate_series(1, count)`: that many rows of column defaults. */
  | { readonly kind: 'defaultRows'; readonly count: Expr };

export interface OnConflictNode {
  readonly target: readonly string[];
  /** Columns to overwrite from EXCLUDED; empty means DO NOTHING. */
  readonly update: readonly string[];
  /** Extra assignments on conflict (e.g. updated_at = now()). */
  readonly set?: ReadonlyArray<readonly [string, Expr]>;
}

export interface InsertNode {
  readonly kind: 'insert';
  readonly table: string;
  readonly columns: readonly string[];
  readonly source: InsertSource;
  readonly onConflict?: OnConflictNode;
  readonly returning?: readonly Expr[];
}

export interface UpdateNode {
  readonly kind: 'update';
  readonly table: string;
  readonly set: ReadonlyArray<readonly [string, Expr]>;
  /** `FROM unnest($1, $2, …) AS alias(columns…)`: one UPDATE for many rows, values per row. */
  readonly from?: {
    readonly arrays: readonly Expr[];
    readonly alias: string;
    readonly columns: readonly string[];
  };
  readonly where?: Expr;
  readonly returning?: readonly Expr[];
}

export interface DeleteNode {
  readonly kind: 'delete';
  readonly table: string;
  readonly where?: Expr;
  readonly returning?: readonly Expr[];
}

export type StatementNode = SelectNode | InsertNode | UpdateNode | DeleteNode;

export const star: Expr = { kind: 'keyword', keyword: '*' };

export function column(name: string, table?: string): Expr {
  return table === undefined ? { kind: 'column', name } : { kind: 'column', name, table };
}

export function param(value: unknown, cast?: SqlType): Expr {
  return cast === undefined ? { kind: 'param', value } : { kind: 'param', value, cast };
}

export function and(items: readonly Expr[]): Expr {
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

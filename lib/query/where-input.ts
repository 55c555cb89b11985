import type { SqlFragment } from '../sql/sql-fragment';
import type { AttributeKeys } from './attribute-types';
import type { RelationKeys, RelationTarget } from './relation-types';

type NullIfNullable<V> = null extends V ? null : never;

interface ComparisonOperators<V> {
  eq?: V;
  ne?: V;
  gt?: NonNullable<V>;
  gte?: NonNullable<V>;
  lt?: NonNullable<V>;
  lte?: NonNullable<V>;
  /** `[x, null]` also matches (or, for notIn, also excludes) NULL. */
  in?: readonly (NonNullable<V> | NullIfNullable<V>)[];
  notIn?: readonly (NonNullable<V> | NullIfNullable<V>)[];
  between?: readonly [NonNullable<V>, NonNullable<V>];
  isNull?: boolean;
}

interface TextOperators {
  like?: string;
  ilike?: string;
  notLike?: string;
  notIlike?: string;
}

interface ArrayOperators<E> {
  eq?: readonly E[];
  ne?: readonly E[];
  contains?: readonly E[];
  containedBy?: readonly E[];
  overlaps?: readonly E[];
  isNull?: boolean;
}

interface JsonOperators {
  /** Equal as JSON. */
  eq?: unknown;
  ne?: unknown;
  /** `@>`: the column contains this JSON value. */
  contains?: unknown;
  /** `?`: the top-level object has this key. */
  hasKey?: string;
  isNull?: boolean;
}

type IsPlainObject<V> = V extends Date | readonly unknown[] | string | number | boolean | bigint
  ? false
  : V extends object
    ? true
    : false;

/**
 * What a field may be compared with: a value (`=`), an array (IN, one parameter), `null`
 * (IS NULL, on nullable fields), an operator object, or a raw `sql` fragment.
 */
export type Condition<V> =
  NonNullable<V> extends readonly (infer E)[]
    ? V | ArrayOperators<E> | SqlFragment
    : IsPlainObject<NonNullable<V>> extends true
      ? JsonOperators | NullIfNullable<V> | SqlFragment
      : | NonNullable<V>
        | NullIfNullable<V>
        | readonly (NonNullable<V> | NullIfNullable<V>)[]
        | (ComparisonOperators<V> & (NonNullable<V> extends string ? TextOperators : unknown))
        | SqlFragment;

/**
 * A `where` filter: field names and value types come from the model.
 *
 * @example
 * Post.where({ authorId: 7, title: { like: 'Nest%' }, id: [1, 2, 3] });
 */
export type WhereInput<T> = { [K in AttributeKeys<T>]?: Condition<T[K]> } & {
  [K in RelationKeys<T>]?: WhereInput<RelationTarget<T[K]>>;
};

export type OrderDirection = 'asc' | 'desc' | 'ASC' | 'DESC';

export interface OrderSpec {
  direction?: OrderDirection;
  nulls?: 'first' | 'last';
}

/**
 * Ordering: `{ createdAt: 'desc', id: 'asc' }`, a field name (ascending), or several.
 *
 * @example
 * Post.all().order({ createdAt: 'desc' }, 'id');
 */
export type OrderInput<T> =
  | AttributeKeys<T>
  | ({ [K in AttributeKeys<T>]?: OrderDirection | OrderSpec } & {
      [K in RelationKeys<T>]?: {
        [F in AttributeKeys<RelationTarget<T[K]>>]?: OrderDirection | OrderSpec;
      };
    });

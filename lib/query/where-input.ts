import type { Range } from '../metadata/range';
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

/** Range fields: `@>` a range or one value, `<@` and `&&` a range. */
interface RangeOperators<B> {
  contains?: Range<B> | B;
  containedBy?: Range<B>;
  overlaps?: Range<B>;
}

/**
 * inet and cidr fields (strings to TypeScript): `>>=`, `<<=` and `&&` with an address or a
 * network; tsvector fields: `@@` a tsquery. Other text fields refuse them when the query is
 * built.
 */
interface NetworkAndSearchOperators {
  contains?: string;
  containedBy?: string;
  overlaps?: string;
  matches?: string;
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

type IsPlainObject<V> = V extends
  Date | Uint8Array | Range<unknown> | readonly unknown[] | string | number | boolean | bigint
  ? false
  : V extends object
    ? true
    : false;

type ValueCondition<V> =
  | NonNullable<V>
  | NullIfNullable<V>
  | readonly (NonNullable<V> | NullIfNullable<V>)[]
  | SqlFragment;

/**
 * What a field may be compared with: a value (`=`), an array (IN, one parameter), `null`
 * (IS NULL, on nullable fields), an operator object, or a raw `sql` fragment. An object type
 * is either json (operators only) or a transformer's value (a value, a list, comparisons):
 * TypeScript cannot tell them apart, the query checks it.
 */
export type Condition<V> =
  NonNullable<V> extends readonly (infer E)[]
    ? V | ArrayOperators<E> | SqlFragment
    : NonNullable<V> extends Range<infer B>
      ? ValueCondition<V> | (ComparisonOperators<V> & RangeOperators<B>)
      : IsPlainObject<NonNullable<V>> extends true
        ? JsonOperators | ValueCondition<V> | ComparisonOperators<V>
        : | ValueCondition<V>
          | (ComparisonOperators<V> &
              (NonNullable<V> extends string
                ? TextOperators & NetworkAndSearchOperators
                : unknown));

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

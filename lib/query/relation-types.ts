import type { ModelStateKeys } from './attribute-types';

/** A record, structurally: what relation properties hold. */
interface RecordLike {
  save(...args: never[]): unknown;
}

/**
 * The relation property names of a model type: properties holding a record, a nullable
 * record, or an array of records.
 *
 * @example
 * type PostRelations = RelationKeys<Post>; // 'author' | 'comments'
 */
export type RelationKeys<T> = {
  [K in keyof T]-?: K extends ModelStateKeys
    ? never
    : K extends string
      ? NonNullable<T[K]> extends RecordLike | readonly RecordLike[]
        ? K
        : never
      : never;
}[keyof T];

/** The record type a relation holds: `Post[]` → `Post`, `User | null` → `User`. */
export type RelationTarget<V> = NonNullable<V> extends readonly (infer E)[] ? E : NonNullable<V>;

type Depth = [never, 0, 1, 2, 3];

/**
 * Dotted paths through relations, up to four levels: `'author' | 'comments' | 'comments.author'`.
 *
 * @example
 * Post.all().include('comments.author');
 */
export type IncludePath<T, D extends number = 4> = [D] extends [never]
  ? never
  : {
      [K in RelationKeys<T>]: K | `${K}.${IncludePath<RelationTarget<T[K]>, Depth[D]>}`;
    }[RelationKeys<T>];

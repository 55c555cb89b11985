import type { AttributeKeys } from './attribute-types';

/**
 * The key of a type-level declaration naming the properties of a composite primary key, so
 * that `find` takes exactly that object. It declares a type only (nothing is emitted).
 *
 * @example
 * declare readonly [PrimaryKeyFields]?: 'tenantId' | 'id';
 * @PrimaryKey() tenantId!: number;  @PrimaryKey({ generated: true }) id!: number;
 */
export const PrimaryKeyFields: unique symbol = Symbol('PrimaryKeyFields');

/** The properties a model declares as its key through `[PrimaryKeyFields]`, else never. */
type DeclaredKeyFields<T> = typeof PrimaryKeyFields extends keyof T
  ? Extract<Exclude<T[typeof PrimaryKeyFields], undefined>, AttributeKeys<T>>
  : never;

/** The key's properties as the type checker knows them: the declared ones, else `id`. */
export type PrimaryKeyFieldsOf<T> = [DeclaredKeyFields<T>] extends [never]
  ? Extract<'id', AttributeKeys<T>>
  : DeclaredKeyFields<T>;

/** A key given as an object of key properties (checked against the model's key at run time). */
type KeyObject<T> = { [K in AttributeKeys<T>]?: NonNullable<T[K]> };

/**
 * What `find` takes: for a model declaring `[PrimaryKeyFields]`, an object with exactly those
 * properties; otherwise `id`'s type (or any key value), or an object of key properties.
 */
export type PrimaryKeyOf<T> = [DeclaredKeyFields<T>] extends [never]
  ? (T extends { id: infer V } ? NonNullable<V> : string | number) | KeyObject<T>
  : { [K in DeclaredKeyFields<T>]: NonNullable<T[K]> };

/**
 * A primary key as `ids()` returns it: `id`'s type for a single key, the key object for a
 * model declaring `[PrimaryKeyFields]`.
 */
export type PrimaryKeyValue<T> = [DeclaredKeyFields<T>] extends [never]
  ? T extends { id: infer V }
    ? NonNullable<V>
    : unknown
  : { [K in DeclaredKeyFields<T>]: NonNullable<T[K]> };

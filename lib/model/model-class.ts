import type { Model } from './model';

/** A concrete model class: what `User` is, as a value. */
export type ModelClass<T extends Model = Model> = (new () => T) & { readonly name: string };

/** The primary key's type: `id`'s type when the model has one. */
export type PrimaryKeyOf<T> = T extends { id: infer V } ? NonNullable<V> : string | number;

/** Members of the Model base class that are state, not attributes. */
export type ModelStateKeys = 'isNew' | 'isPersisted' | 'changes' | 'previousChanges';

/** A record, structurally: relations hold these, attributes never do. */
interface RecordLike {
  save(...args: never[]): unknown;
}

/**
 * The attribute (column) names of a model type: its own data properties, without methods,
 * relations and base-class state.
 *
 * @example
 * type UserFields = AttributeKeys<User>; // 'id' | 'name' | 'email' | …
 */
export type AttributeKeys<T> = {
  [K in keyof T]-?: K extends ModelStateKeys
    ? never
    : K extends string
      ? NonNullable<T[K]> extends
          ((...args: never[]) => unknown) | RecordLike | readonly RecordLike[]
        ? never
        : K
      : never;
}[keyof T];

/** The attributes of a model type with their types. */
export type Attributes<T> = { [K in AttributeKeys<T>]: T[K] };

/** Input for `build`, `create`, `update`: any subset of the attributes. */
export type AttributesInput<T> = { [K in AttributeKeys<T>]?: T[K] };

/**
 * The type of a relation property, for models that refer to each other in an ES module app.
 * With `emitDecoratorMetadata`, `author!: Author` makes the compiled class read `Author` when
 * its module runs; when Author's module imports this one back (a belongsTo and its hasMany),
 * one of them runs first and the read fails. `author!: Rel<Author>` is the same type to
 * TypeScript and `Object` to the metadata, which relations do not use.
 *
 * @example
 * @BelongsTo(() => Author) author!: Rel<Author>;
 */
export type Rel<T> = T;

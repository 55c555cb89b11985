/** What happens to dependent rows when the owner is destroyed. */
export type DependentAction = 'destroy' | 'nullify' | 'restrict';

/** `{ field: 'asc' | 'desc' }` pairs ordering a collection when it loads. */
export type RelationOrder = Readonly<Record<string, 'asc' | 'desc'>>;

/**
 * Options of `@BelongsTo()`. The foreign key is a property of this model.
 *
 * @example
 * @BelongsTo(() => User, { foreignKey: 'authorId' }) author!: User;
 */
export interface BelongsToOptions {
  /**
   * Property holding the key; default `<relation>Id` (`author` → `authorId`). A list for a
   * target with a composite key, in the order of the target's key:
   * `{ foreignKey: ['tenantId', 'orderId'] }`.
   */
  foreignKey?: string | readonly string[];
  /** Property (or properties) of the target the key refers to; default its primary key. */
  otherKey?: string | readonly string[];
  /**
   * Polymorphic: the target list is the models the row may point at, and `<relation>Type`
   * (or `typeKey`) stores the target's class name.
   */
  polymorphic?: boolean;
  typeKey?: string;
  /** Migrations index the key unless something already leads with it; `false` opts out. */
  index?: boolean;
}

/**
 * Options of `@HasMany()` and `@HasOne()`. The foreign key is a property of the target.
 *
 * @example
 * @HasMany(() => Post, { foreignKey: 'authorId', order: { createdAt: 'desc' }, dependent: 'destroy' })
 * posts!: Post[];
 */
export interface HasManyOptions {
  /**
   * Target property referring to this model; default `<thisModel>Id` (`User` → `userId`). A
   * list when this model's key is composite, in its order: `{ foreignKey: ['tenantId', 'orderId'] }`.
   */
  foreignKey?: string | readonly string[];
  /** Property (or properties) of this model the key refers to; default the primary key. */
  localKey?: string | readonly string[];
  /** The polymorphic `@BelongsTo` on the target this relation is the inverse of. */
  as?: string;
  order?: RelationOrder;
  dependent?: DependentAction;
}

export type HasOneOptions = Omit<HasManyOptions, 'order'>;

/**
 * Options of `@ManyToMany()`: a join table named by `through` (a table name, or a model
 * for the join rows).
 *
 * @example
 * @ManyToMany(() => User, { through: 'follows', foreignKey: 'followerId', otherKey: 'followedId' })
 * following!: User[];
 */
export interface ManyToManyOptions {
  through: string | (() => abstract new () => object);
  /** Join-table property referring to this model; default `<thisModel>Id`; a list for a composite key. */
  foreignKey?: string | readonly string[];
  /** Join-table property referring to the target; default `<Target>Id`; a list for a composite key. */
  otherKey?: string | readonly string[];
  order?: RelationOrder;
}

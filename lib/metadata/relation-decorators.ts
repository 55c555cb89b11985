import { declarationsOf } from './model-declarations';
import type { ModelClassRef, RelationDeclaration } from './relation-declarations';
import type {
  BelongsToOptions,
  HasManyOptions,
  HasOneOptions,
  ManyToManyOptions,
} from './relation-options';

type PropertyDecorator = (target: object, property: string | symbol) => void;

/**
 * This model holds a key to one record of the target (`posts.author_id → users.id`).
 * Polymorphic when `polymorphic: true`: the thunk lists the models the key may point at.
 *
 * @example
 * @BelongsTo(() => User, { foreignKey: 'authorId' }) author!: User;
 * @BelongsTo(() => [Article, Photo], { polymorphic: true }) commentable!: Article | Photo;
 */
export function BelongsTo(
  target: () => ModelClassRef | readonly ModelClassRef[],
  options: BelongsToOptions = {},
): PropertyDecorator {
  return (prototype, property) =>
    declareRelation(prototype, property, { kind: 'belongsTo', target, options });
}

/**
 * Records of the target hold a key to this one (`users.id ← posts.author_id`).
 *
 * @example
 * @HasMany(() => Post, { foreignKey: 'authorId' }) posts!: Post[];
 */
export function HasMany(
  target: () => ModelClassRef,
  options: HasManyOptions = {},
): PropertyDecorator {
  return (prototype, property) =>
    declareRelation(prototype, property, { kind: 'hasMany', target, options });
}

/**
 * One record of the target holds a key to this one; `null` when there is none.
 *
 * @example
 * @HasOne(() => Profile) profile!: Profile | null;
 */
export function HasOne(
  target: () => ModelClassRef,
  options: HasOneOptions = {},
): PropertyDecorator {
  return (prototype, property) =>
    declareRelation(prototype, property, { kind: 'hasOne', target, options });
}

/**
 * Records linked through a join table (or a join model).
 *
 * @example
 * @ManyToMany(() => Tag, { through: 'article_tags' }) tags!: Tag[];
 */
export function ManyToMany(
  target: () => ModelClassRef,
  options: ManyToManyOptions,
): PropertyDecorator {
  return (prototype, property) =>
    declareRelation(prototype, property, { kind: 'manyToMany', target, options });
}

function declareRelation(
  prototype: object,
  property: string | symbol,
  declaration: Omit<RelationDeclaration, 'property'>,
): void {
  const owner = prototype.constructor;
  if (typeof property !== 'string') {
    throw new TypeError(`${owner.name}: relation properties must have string names`);
  }
  if (typeof declaration.target !== 'function') {
    throw new TypeError(
      `${owner.name}.${property}: give the target as a function, e.g. @HasMany(() => Post)`,
    );
  }
  declarationsOf(owner).relations.set(property, {
    ...declaration,
    property,
  } as RelationDeclaration);
}

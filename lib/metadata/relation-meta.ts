// Mutual recursion (types only): a model's meta holds its relations, each pointing at models.
import type { ColumnMeta, ModelMeta } from './model-meta';
import type { NamingStrategy } from './naming-strategy';
import type { ModelClassRef, RelationDeclaration } from './relation-declarations';
import type { DependentAction, RelationOrder } from './relation-options';

/** `belongsTo`: the owner's `foreignKey` refers to the target's `otherKey`. */
export interface BelongsToMeta {
  readonly kind: 'belongsTo';
  readonly property: string;
  readonly owner: ModelMeta;
  readonly foreignKey: ColumnMeta;
  /** One target, or the candidates of a polymorphic relation. */
  readonly targets: readonly ModelMeta[];
  /** The owner's column naming the target class (polymorphic only). */
  readonly typeKey?: ColumnMeta;
  otherKey(target: ModelMeta): ColumnMeta;
}

/** `hasMany`/`hasOne`: the target's `foreignKey` refers to the owner's `localKey`. */
export interface HasManyMeta {
  readonly kind: 'hasMany' | 'hasOne';
  readonly property: string;
  readonly owner: ModelMeta;
  readonly target: ModelMeta;
  readonly foreignKey: ColumnMeta;
  readonly localKey: ColumnMeta;
  /** Inverse of a polymorphic belongsTo: the target's type column and the owner's type name. */
  readonly typeKey?: ColumnMeta;
  readonly typeValue?: string;
  readonly order?: RelationOrder;
  readonly dependent?: DependentAction;
}

/** `manyToMany`: join rows (`foreignColumn` → owner, `otherColumn` → target). */
export interface ManyToManyMeta {
  readonly kind: 'manyToMany';
  readonly property: string;
  readonly owner: ModelMeta;
  readonly target: ModelMeta;
  readonly throughTable: string;
  readonly foreignColumn: string;
  readonly otherColumn: string;
  readonly localKey: ColumnMeta;
  readonly targetKey: ColumnMeta;
  readonly order?: RelationOrder;
}

export type RelationMeta = BelongsToMeta | HasManyMeta | ManyToManyMeta;

/** Finds (binding if needed) the metadata of a related model class. */
export type MetaLookup = (modelClass: ModelClassRef) => ModelMeta;

/** `BlogPost` → `blogPost`. */
function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function requireColumn(
  meta: ModelMeta,
  property: string,
  relation: string,
  role: string,
): ColumnMeta {
  const column = meta.column(property);
  if (!column) {
    throw new TypeError(
      `${relation}: ${meta.className} has no column "${property}" to use as the ${role}; ` +
        `declare it with @Column() or name the right one in the relation's options`,
    );
  }
  return column;
}

/** Resolves a declaration against the bound models: key columns, join table, type names. */
export function resolveRelation(
  owner: ModelMeta,
  declaration: RelationDeclaration,
  lookup: MetaLookup,
  naming: NamingStrategy,
): RelationMeta {
  const label = `${owner.className}.${declaration.property}`;
  switch (declaration.kind) {
    case 'belongsTo': {
      const { options } = declaration;
      const resolved = declaration.target();
      const classes = (Array.isArray(resolved) ? resolved : [resolved]) as ModelClassRef[];
      if (Array.isArray(resolved) && !options.polymorphic) {
        throw new TypeError(`${label}: several targets need { polymorphic: true }`);
      }
      const targets = classes.map(lookup);
      const foreignKey = requireColumn(
        owner,
        options.foreignKey ?? `${declaration.property}Id`,
        label,
        'foreign key',
      );
      const typeKey = options.polymorphic
        ? requireColumn(owner, options.typeKey ?? `${declaration.property}Type`, label, 'type key')
        : undefined;
      return {
        kind: 'belongsTo',
        property: declaration.property,
        owner,
        foreignKey,
        targets,
        typeKey,
        otherKey: (target) =>
          options.otherKey
            ? requireColumn(target, options.otherKey, label, 'referenced key')
            : target.primaryKey,
      };
    }
    case 'hasMany':
    case 'hasOne': {
      const { options } = declaration;
      const target = lookup(declaration.target());
      const foreignKey = requireColumn(
        target,
        options.foreignKey ?? (options.as ? `${options.as}Id` : `${lowerFirst(owner.className)}Id`),
        label,
        'foreign key',
      );
      const localKey = options.localKey
        ? requireColumn(owner, options.localKey, label, 'local key')
        : owner.primaryKey;
      const typeKey = options.as
        ? requireColumn(target, `${options.as}Type`, label, 'polymorphic type key')
        : undefined;
      return {
        kind: declaration.kind,
        property: declaration.property,
        owner,
        target,
        foreignKey,
        localKey,
        typeKey,
        typeValue: options.as ? owner.className : undefined,
        order: 'order' in options ? (options.order as RelationOrder | undefined) : undefined,
        dependent: options.dependent,
      };
    }
    case 'manyToMany': {
      const { options } = declaration;
      const target = lookup(declaration.target());
      const foreignKey = options.foreignKey ?? `${lowerFirst(owner.className)}Id`;
      const otherKey = options.otherKey ?? `${lowerFirst(target.className)}Id`;
      if (foreignKey === otherKey) {
        throw new TypeError(
          `${label}: the join table's foreignKey and otherKey are both "${foreignKey}"; ` +
            `a self-referential relation must name them (e.g. followerId, followedId)`,
        );
      }
      let throughTable: string;
      let foreignColumn: string;
      let otherColumn: string;
      if (typeof options.through === 'string') {
        throughTable = options.through;
        foreignColumn = naming.columnName(foreignKey);
        otherColumn = naming.columnName(otherKey);
      } else {
        const through = lookup(options.through());
        throughTable = through.tableName;
        foreignColumn = requireColumn(through, foreignKey, label, 'join foreign key').name;
        otherColumn = requireColumn(through, otherKey, label, 'join other key').name;
      }
      return {
        kind: 'manyToMany',
        property: declaration.property,
        owner,
        target,
        throughTable,
        foreignColumn,
        otherColumn,
        localKey: owner.primaryKey,
        targetKey: target.primaryKey,
        order: options.order,
      };
    }
  }
}

// Mutual recursion (types only): a model's meta holds its relations, each pointing at models.
import { KeyColumns } from './key-columns';
import type { ColumnMeta, ModelMeta } from './model-meta';
import type { NamingStrategy } from './naming-strategy';
import type { ModelClassRef, RelationDeclaration } from './relation-declarations';
import type { DependentAction, RelationOrder } from './relation-options';

/**
 * `belongsTo`: the owner's `foreignKey` refers to the target's `otherKey`, column for column
 * (several columns when the target's key is composite).
 */
export interface BelongsToMeta {
  readonly kind: 'belongsTo';
  readonly property: string;
  readonly owner: ModelMeta;
  readonly foreignKey: KeyColumns;
  /** One target, or the candidates of a polymorphic relation. */
  readonly targets: readonly ModelMeta[];
  /** The owner's column naming the target class (polymorphic only). */
  readonly typeKey?: ColumnMeta;
  otherKey(target: ModelMeta): KeyColumns;
}

/** `hasMany`/`hasOne`: the target's `foreignKey` refers to the owner's `localKey`. */
export interface HasManyMeta {
  readonly kind: 'hasMany' | 'hasOne';
  readonly property: string;
  readonly owner: ModelMeta;
  readonly target: ModelMeta;
  readonly foreignKey: KeyColumns;
  readonly localKey: KeyColumns;
  /** Inverse of a polymorphic belongsTo: the target's type column and the owner's type name. */
  readonly typeKey?: ColumnMeta;
  readonly typeValue?: string;
  readonly order?: RelationOrder;
  readonly dependent?: DependentAction;
}

/**
 * `manyToMany`: join rows (`foreignColumns` → the owner's key, `otherColumns` → the target's),
 * one column per column of the key they refer to.
 */
export interface ManyToManyMeta {
  readonly kind: 'manyToMany';
  readonly property: string;
  readonly owner: ModelMeta;
  readonly target: ModelMeta;
  readonly throughTable: string;
  readonly foreignColumns: readonly string[];
  readonly otherColumns: readonly string[];
  readonly localKey: KeyColumns;
  readonly targetKey: KeyColumns;
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

/** Property names given as one name or a list (a composite key), as a list. */
function namesOf(given: string | readonly string[]): readonly string[] {
  return typeof given === 'string' ? [given] : given;
}

/**
 * The default name of a key referring to `referenced`: `<prefix>Id` for a single key; a
 * composite key has no default, as its parts often share columns with the record's own key.
 */
function defaultKeyNames(prefix: string, referenced: KeyColumns, label: string, option: string) {
  if (referenced.composite) {
    throw new TypeError(
      `${label}: the referenced key is composite (${referenced.properties.join(', ')}); ` +
        `name the ${option} as a list, e.g. { ${option}: [${referenced.properties.map((p) => `'${p}'`).join(', ')}] }`,
    );
  }
  return [`${prefix}Id`];
}

/** The columns of `meta` named by `properties`, one per column of the key they refer to. */
function keyOf(
  meta: ModelMeta,
  properties: readonly string[],
  referenced: KeyColumns,
  label: string,
  role: string,
): KeyColumns {
  if (properties.length !== referenced.columns.length) {
    throw new TypeError(
      `${label}: the ${role} has ${properties.length} column(s) (${properties.join(', ')}) but the key it refers to has ` +
        `${referenced.columns.length} (${referenced.properties.join(', ')}); name one property per key column, in the key's order`,
    );
  }
  return new KeyColumns(properties.map((p) => requireColumn(meta, p, label, role)));
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
      const otherKeys = new Map<ModelMeta, KeyColumns>();
      const otherKey = (target: ModelMeta): KeyColumns => {
        let key = otherKeys.get(target);
        if (!key) {
          key = options.otherKey
            ? new KeyColumns(
                namesOf(options.otherKey).map((p) =>
                  requireColumn(target, p, label, 'referenced key'),
                ),
              )
            : target.key;
          otherKeys.set(target, key);
        }
        return key;
      };
      const referenced = otherKey(targets[0]!);
      const foreignKey = keyOf(
        owner,
        options.foreignKey
          ? namesOf(options.foreignKey)
          : defaultKeyNames(declaration.property, referenced, label, 'foreignKey'),
        referenced,
        label,
        'foreign key',
      );
      // Every target (of a polymorphic relation) is referred to by the same key columns.
      for (const target of targets)
        keyOf(owner, foreignKey.properties, otherKey(target), label, 'foreign key');
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
        otherKey,
      };
    }
    case 'hasMany':
    case 'hasOne': {
      const { options } = declaration;
      const target = lookup(declaration.target());
      const localKey = options.localKey
        ? new KeyColumns(
            namesOf(options.localKey).map((p) => requireColumn(owner, p, label, 'local key')),
          )
        : owner.key;
      const foreignKey = keyOf(
        target,
        options.foreignKey
          ? namesOf(options.foreignKey)
          : defaultKeyNames(
              options.as ?? lowerFirst(owner.className),
              localKey,
              label,
              'foreignKey',
            ),
        localKey,
        label,
        'foreign key',
      );
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
      const foreignKey = options.foreignKey
        ? namesOf(options.foreignKey)
        : defaultKeyNames(lowerFirst(owner.className), owner.key, label, 'foreignKey');
      const otherKey = options.otherKey
        ? namesOf(options.otherKey)
        : defaultKeyNames(lowerFirst(target.className), target.key, label, 'otherKey');
      if (foreignKey.join() === otherKey.join()) {
        throw new TypeError(
          `${label}: the join table's foreignKey and otherKey are both "${foreignKey.join(', ')}"; ` +
            `a self-referential relation must name them (e.g. followerId, followedId)`,
        );
      }
      let throughTable: string;
      let foreignColumns: readonly string[];
      let otherColumns: readonly string[];
      if (typeof options.through === 'string') {
        throughTable = options.through;
        foreignColumns = joinColumns(foreignKey, owner.key, label, 'foreignKey', (p) =>
          naming.columnName(p),
        );
        otherColumns = joinColumns(otherKey, target.key, label, 'otherKey', (p) =>
          naming.columnName(p),
        );
      } else {
        const through = lookup(options.through());
        throughTable = through.tableName;
        foreignColumns = keyOf(through, foreignKey, owner.key, label, 'join foreign key').names;
        otherColumns = keyOf(through, otherKey, target.key, label, 'join other key').names;
      }
      return {
        kind: 'manyToMany',
        property: declaration.property,
        owner,
        target,
        throughTable,
        foreignColumns,
        otherColumns,
        localKey: owner.key,
        targetKey: target.key,
        order: options.order,
      };
    }
  }
}

/** Join-table columns named by properties (a join table without a model), one per key column. */
function joinColumns(
  properties: readonly string[],
  referenced: KeyColumns,
  label: string,
  option: string,
  columnName: (property: string) => string,
): readonly string[] {
  if (properties.length !== referenced.columns.length) {
    throw new TypeError(
      `${label}: ${option} names ${properties.length} column(s) but the key it refers to has ${referenced.columns.length} ` +
        `(${referenced.properties.join(', ')})`,
    );
  }
  return properties.map(columnName);
}

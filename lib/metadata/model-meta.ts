import { conversionsFor } from './column-conversions';
import type { ColumnDefault, ColumnTransformer } from './column-options';
import { inferColumnType, type ColumnType } from './column-types';
import { KeyColumns } from './key-columns';
import {
  declarationChain,
  type ColumnDeclaration,
  type ColumnRole,
  type HookEvent,
} from './model-declarations';
import { snakeCaseNaming, type NamingStrategy } from './naming-strategy';
import { resolveTableConstraints, type CheckMeta, type IndexMeta } from './table-constraints';
import type { RelationDeclaration } from './relation-declarations';
// Mutual recursion: relation metas point back at model metas (see relation-meta.ts).
import { resolveRelation, type MetaLookup, type RelationMeta } from './relation-meta';
import type { ValueCheck } from './value-checks';

/**
 * A PostgreSQL type as used in a cast: built-in names are keywords, enum and `sqlType` names
 * identifiers.
 */
export interface SqlType {
  name: string;
  /** A user-defined type (enum, domain…) whose name must be quoted as an identifier. */
  userDefined: boolean;
  array: boolean;
}

/** A column with its names and behaviour resolved. */
export interface ColumnMeta {
  readonly property: string;
  readonly name: string;
  readonly type: ColumnType;
  readonly sqlType: SqlType;
  readonly role: ColumnRole;
  readonly nullable: boolean;
  readonly default?: ColumnDefault;
  /** The database fills the column when an INSERT leaves it out. */
  readonly hasDatabaseDefault: boolean;
  readonly generated: boolean;
  readonly unique: boolean;
  readonly enumValues?: readonly string[];
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly isArray: boolean;
  readonly isJson: boolean;
  /** Undefined when a non-null value fits, else what was expected. */
  readonly check: ValueCheck;
  /** Whether values are mutable objects (Date, json, arrays) that need a copy to compare. */
  readonly mutable: boolean;
  /** A comparable copy for dirty tracking (Date → time, json and arrays → text). */
  readonly snapshot: (value: unknown) => unknown;
  /** The value a snapshot was taken of (a fresh copy), for `changes`. */
  readonly fromSnapshot: (snapshot: unknown) => unknown;
  /** The value as the drivers must receive it (json is serialized here, not by the driver). */
  readonly toDriver: (value: unknown) => unknown;
  /**
   * A non-null value of a row as the property's value (both drivers' forms made one, then the
   * transformer); undefined when the driver's value is the property's value.
   */
  readonly fromDriver?: (value: unknown) => unknown;
  /** The type named by `sqlType` (a domain or an extension's type), if any. */
  readonly customType?: string;
  readonly transformer?: ColumnTransformer<unknown, unknown>;
}

/**
 * Everything the ORM knows about one model class, resolved against a naming strategy.
 *
 * @example
 * metaOf(User).column('email').name; // 'email'
 */
export class ModelMeta {
  readonly columns: readonly ColumnMeta[];
  /** The primary key's columns in declaration order: one, or several for a composite key. */
  readonly primaryKeys: readonly ColumnMeta[];
  /** The primary key as a key: how records carry it, compare and describe it. */
  readonly key: KeyColumns;
  readonly createdAt?: ColumnMeta;
  readonly updatedAt?: ColumnMeta;
  /** The optimistic-locking column (`@Version()`). */
  readonly version?: ColumnMeta;
  /** The soft-delete stamp (`@DeletedAt()`). */
  readonly deletedAt?: ColumnMeta;
  /** Hook method names per event, inherited ones first. */
  readonly hooks: ReadonlyMap<HookEvent, readonly string[]>;
  /** Properties `toJSON()` leaves out. */
  readonly hidden: ReadonlySet<string>;
  readonly fieldNames: readonly string[];
  /** Names of the declared relations (own and inherited). */
  readonly relationNames: readonly string[];
  /** Declared indexes (`@Index`, `@Unique`) and the default ones of `@BelongsTo` keys. */
  readonly indexes: readonly IndexMeta[];
  /** Declared CHECK constraints (`@Check`). */
  readonly checks: readonly CheckMeta[];
  private readonly byProperty: ReadonlyMap<string, ColumnMeta>;
  private readonly byName: ReadonlyMap<string, ColumnMeta>;
  private readonly relationDeclarations: ReadonlyMap<string, RelationDeclaration>;
  private readonly relations = new Map<string, RelationMeta>();
  private lookup?: MetaLookup;

  constructor(
    readonly modelClass: abstract new () => object,
    readonly className: string,
    readonly tableName: string,
    columns: ColumnMeta[],
    relations: ReadonlyMap<string, RelationDeclaration> = new Map(),
    readonly naming: NamingStrategy = snakeCaseNaming,
    lifecycle: {
      hooks?: ReadonlyMap<HookEvent, readonly string[]>;
      hidden?: ReadonlySet<string>;
    } = {},
  ) {
    this.hooks = lifecycle.hooks ?? new Map();
    this.hidden = lifecycle.hidden ?? new Set();
    this.relationDeclarations = relations;
    this.relationNames = [...relations.keys()];
    this.columns = columns;
    this.byProperty = new Map(columns.map((c) => [c.property, c]));
    this.byName = new Map(columns.map((c) => [c.name, c]));
    this.fieldNames = columns.map((c) => c.property);
    this.primaryKeys = columns.filter((c) => c.role === 'primaryKey');
    if (this.primaryKeys.length === 0) {
      throw new TypeError(
        `${className} must declare a @PrimaryKey() (several make a composite key)`,
      );
    }
    this.key = new KeyColumns(this.primaryKeys);
    this.createdAt = columns.find((c) => c.role === 'createdAt');
    this.updatedAt = columns.find((c) => c.role === 'updatedAt');
    this.version = columns.find((c) => c.role === 'version');
    this.deletedAt = columns.find((c) => c.role === 'deletedAt');
    const constraints = resolveTableConstraints(
      modelClass,
      className,
      tableName,
      columns,
      relations,
    );
    this.indexes = constraints.indexes;
    this.checks = constraints.checks;
  }

  /**
   * The primary key column of a model with a single-column key. A composite key has no one
   * column that identifies a row: asking for it is a mistake, said at once.
   */
  get primaryKey(): ColumnMeta {
    if (this.key.composite) {
      throw new TypeError(
        `${this.className} has a composite primary key (${this.key.properties.join(', ')}): use primaryKeys`,
      );
    }
    return this.primaryKeys[0]!;
  }

  /** The column mapped to a property, if any. Own keys only: `__proto__` never matches. */
  column(property: string): ColumnMeta | undefined {
    return this.byProperty.get(property);
  }

  columnByName(name: string): ColumnMeta | undefined {
    return this.byName.get(name);
  }

  /** Connects the relations to the other models' metadata (done when the model is bound). */
  linkRelations(lookup: MetaLookup): void {
    this.lookup = lookup;
    this.relations.clear();
  }

  /** A declared relation with its keys resolved; undefined for anything else (`__proto__`…). */
  relation(property: string): RelationMeta | undefined {
    let relation = this.relations.get(property);
    if (relation) return relation;
    const declaration = this.relationDeclarations.get(property);
    if (!declaration) return undefined;
    if (!this.lookup) {
      throw new TypeError(`${this.className} is not bound to a connection yet`);
    }
    relation = resolveRelation(this, declaration, this.lookup, this.naming);
    this.relations.set(property, relation);
    return relation;
  }
}

/** Builds the metadata of a decorated class, ancestors' columns first. */
export function resolveModelMeta(
  modelClass: abstract new () => object,
  naming: NamingStrategy = snakeCaseNaming,
): ModelMeta {
  const chain = declarationChain(modelClass);
  const ownTableName = chain.length > 0 ? chain[chain.length - 1]!.tableName : undefined;
  const tableName = ownTableName ?? naming.tableName(modelClass.name);
  const declared = new Map<string, ColumnDeclaration>();
  const relations = new Map<string, RelationDeclaration>();
  const hooks = new Map<HookEvent, string[]>();
  const hidden = new Set<string>();
  for (const level of chain) {
    for (const [property, d] of level.columns) declared.set(property, d);
    for (const [property, r] of level.relations) relations.set(property, r);
    for (const { event, method } of level.hooks) {
      const list = hooks.get(event) ?? [];
      // An override declared again runs once, in its ancestor's place.
      if (!list.includes(method)) list.push(method);
      hooks.set(event, list);
    }
    for (const property of level.hidden) hidden.add(property);
  }
  const compositeKey = [...declared.values()].filter((d) => d.role === 'primaryKey').length > 1;
  const columns = [...declared.values()].map((d) =>
    resolveColumn(modelClass.name, tableName, d, naming, compositeKey),
  );
  for (const property of relations.keys()) {
    if (declared.has(property)) {
      throw new TypeError(
        `${modelClass.name}.${property} is declared both as a column and a relation`,
      );
    }
  }
  return new ModelMeta(modelClass, modelClass.name, tableName, columns, relations, naming, {
    hooks,
    hidden,
  });
}

function resolveColumn(
  className: string,
  tableName: string,
  d: ColumnDeclaration,
  naming: NamingStrategy,
  compositeKey: boolean,
): ColumnMeta {
  const name = d.name ?? naming.columnName(d.property);
  const key = d.role === 'primaryKey';
  // A single key is an identity integer unless told otherwise; the parts of a composite key
  // are usually references (tenant_id) and take their type from the property.
  const type =
    d.type ??
    (key && !compositeKey ? 'integer' : inferColumnType(d.designType)) ??
    (key ? 'integer' : undefined) ??
    // TypeScript emits Object for every union, so `string | null` is indistinguishable from
    // `number | null`: a nullable column without a type is text, the common case.
    (d.nullable && d.designType === Object ? 'text' : undefined);
  if (!type) {
    throw new TypeError(
      `${className}.${d.property}: cannot infer the column type from the property's TypeScript type; ` +
        `give it, e.g. @Column({ type: 'jsonb' }) or @Column({ type: 'text[]' }) (unions like \`number | null\` need it too)`,
    );
  }
  if (type === 'enum' && !d.enumValues?.length) {
    throw new TypeError(
      `${className}.${d.property}: an enum column needs its values ({ enum: [...] })`,
    );
  }
  // In a composite key no part is generated unless it says so.
  const generated = d.generated ?? (key && !compositeKey && type !== 'text');
  const isArray = type.endsWith('[]');
  const isJson = type === 'jsonb' || type === 'json';
  const sqlType: SqlType =
    type === 'enum'
      ? { name: d.enumName ?? `${tableName}_${name}`, userDefined: true, array: false }
      : d.sqlType !== undefined
        ? { name: d.sqlType, userDefined: true, array: false }
        : {
            name: castName(isArray ? type.slice(0, -2) : type),
            userDefined: false,
            array: isArray,
          };
  return {
    property: d.property,
    name,
    type,
    sqlType,
    role: d.role,
    nullable: d.nullable,
    default: d.default,
    hasDatabaseDefault: generated || d.default !== undefined,
    generated,
    unique: d.unique,
    enumValues: d.enumValues,
    length: d.length,
    precision: d.precision,
    scale: d.scale,
    isArray,
    isJson,
    customType: d.sqlType,
    transformer: d.transformer,
    ...conversionsFor(type, d),
  };
}

/**
 * The name a cast uses: `char` alone means `character(1)` there, which would cut values to one
 * character; `bpchar` is the same type without the length.
 */
function castName(type: string): string {
  return type === 'char' ? 'bpchar' : type;
}

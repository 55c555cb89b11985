import type { SqlFragment } from '../sql/sql-fragment';
import type { ColumnMeta } from './model-meta';
import type { RelationDeclaration } from './relation-declarations';
import {
  tableDeclarationsOf,
  type CheckDeclaration,
  type IndexDeclaration,
  type IndexMethod,
} from './table-decorators';

/** One key of an index: a column, or an expression (trusted SQL from a `sql` fragment). */
export interface IndexKeyMeta {
  readonly column?: string;
  readonly expression?: string;
  readonly opclass?: string;
  readonly order?: 'asc' | 'desc';
}

/** An index the model asks for, with column names resolved. */
export interface IndexMeta {
  readonly name: string;
  readonly unique: boolean;
  readonly using: IndexMethod;
  readonly keys: readonly IndexKeyMeta[];
  /** A partial index's condition (SQL text of a `sql` fragment). */
  readonly where?: string;
  /** `declared` by `@Index`/`@Unique`, or the default index of a `@BelongsTo` key. */
  readonly origin: 'declared' | 'belongsTo';
}

export interface CheckMeta {
  readonly name: string;
  /** SQL text of the `sql` fragment. */
  readonly expression: string;
}

const methods: readonly IndexMethod[] = ['btree', 'hash', 'gist', 'gin', 'brin', 'spgist'];
/** An operator class name, optionally schema-qualified. */
const opclassName = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
/** PostgreSQL truncates longer names, which would no longer match the declaration. */
const maxNameBytes = 63;

/** `${table}_${parts}_${suffix}`, cut to the length PostgreSQL keeps. */
export function defaultConstraintName(table: string, parts: readonly string[], suffix: string) {
  const tail = `_${suffix}`;
  let head = `${table}_${parts.join('_')}`;
  while (Buffer.byteLength(head + tail) > maxNameBytes) head = head.slice(0, -1);
  return head + tail;
}

function isFragment(value: unknown): value is SqlFragment {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as SqlFragment).strings) &&
    Array.isArray((value as SqlFragment).values)
  );
}

/** The text of a fragment that is schema, not a query: no bound values. */
function fragmentText(value: unknown, label: string): string {
  if (!isFragment(value)) {
    throw new TypeError(`${label}: write SQL with the sql tag, e.g. sql\`price >= 0\``);
  }
  if (value.values.length > 0) {
    throw new TypeError(
      `${label}: a schema expression cannot have bound values (\${…}); write constants in the SQL`,
    );
  }
  const text = value.strings.join('').trim();
  if (!text) throw new TypeError(`${label}: the SQL is empty`);
  return text;
}

function checkedName(name: string | undefined, label: string): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`${label}: name must be a non-empty string`);
  }
  if (Buffer.byteLength(name) > maxNameBytes) {
    throw new TypeError(`${label}: name "${name}" is longer than PostgreSQL's 63 bytes`);
  }
  return name;
}

function resolveIndex(
  className: string,
  tableName: string,
  declaration: IndexDeclaration,
  column: (property: string) => ColumnMeta | undefined,
): IndexMeta {
  const { parts, options } = declaration;
  const label = `${className} @${options.unique ? 'Unique' : 'Index'}`;
  if (!Array.isArray(parts) || parts.length === 0) {
    throw new TypeError(`${label}: give at least one property or sql expression`);
  }
  if (options.using !== undefined && !methods.includes(options.using)) {
    throw new TypeError(`${label}: using must be one of ${methods.join(', ')}`);
  }
  const properties = parts.filter((p): p is string => typeof p === 'string');
  for (const [option, map] of [
    ['opclass', options.opclass],
    ['order', options.order],
  ] as const) {
    for (const property of Object.keys(map ?? {})) {
      if (!properties.includes(property)) {
        throw new TypeError(
          `${label}: ${option} names "${property}", which the index does not list`,
        );
      }
    }
  }
  const keys = parts.map((part, i): IndexKeyMeta => {
    if (typeof part !== 'string') {
      return { expression: fragmentText(part, `${label} expression ${i + 1}`) };
    }
    const found = column(part);
    if (!found) {
      throw new TypeError(`${label}: ${className} has no column property "${part}"`);
    }
    const opclass =
      options.opclass && Object.hasOwn(options.opclass, part) ? options.opclass[part] : undefined;
    if (opclass !== undefined && (typeof opclass !== 'string' || !opclassName.test(opclass))) {
      throw new TypeError(`${label}: "${String(opclass)}" is not an operator class name`);
    }
    const order =
      options.order && Object.hasOwn(options.order, part) ? options.order[part] : undefined;
    if (order !== undefined && order !== 'asc' && order !== 'desc') {
      throw new TypeError(`${label}: order of "${part}" must be 'asc' or 'desc'`);
    }
    return { column: found.name, opclass, order };
  });
  const unique = options.unique === true;
  return {
    name:
      checkedName(options.name, label) ??
      defaultConstraintName(
        tableName,
        keys.map((k) => k.column ?? 'expr'),
        unique ? 'key' : 'idx',
      ),
    unique,
    using: options.using ?? 'btree',
    keys,
    where: options.where === undefined ? undefined : fragmentText(options.where, `${label} where`),
    origin: 'declared',
  };
}

function resolveCheck(
  className: string,
  tableName: string,
  declaration: CheckDeclaration,
): CheckMeta {
  const label = `${className} @Check`;
  const expression = fragmentText(declaration.expression, label);
  const words = expression.toLowerCase().match(/[a-z0-9_]+/g) ?? ['expr'];
  return {
    name:
      checkedName(declaration.options.name, label) ??
      defaultConstraintName(tableName, words, 'check'),
    expression,
  };
}

/** Whether `columns` lead an index (or key) made of `leading`, so it serves their lookups. */
function leads(columns: readonly string[], leading: readonly (string | undefined)[]): boolean {
  return columns.every((c, i) => leading[i] === c);
}

/**
 * The indexes and checks a model declares, plus an index on each `@BelongsTo` key that nothing
 * else already leads with (the primary key, a unique column, a declared index).
 */
export function resolveTableConstraints(
  modelClass: object,
  className: string,
  tableName: string,
  columns: readonly ColumnMeta[],
  relations: ReadonlyMap<string, RelationDeclaration>,
): { indexes: IndexMeta[]; checks: CheckMeta[] } {
  const byProperty = new Map(columns.map((c) => [c.property, c]));
  const column = (property: string) => byProperty.get(property);
  const declared = tableDeclarationsOf(modelClass);
  const indexes = declared.indexes.map((d) => resolveIndex(className, tableName, d, column));
  const checks = declared.checks.map((d) => resolveCheck(className, tableName, d));
  const primaryKey = columns.filter((c) => c.role === 'primaryKey').map((c) => c.name);
  const covered = (keyColumns: string[]) =>
    leads(keyColumns, primaryKey) ||
    (keyColumns.length === 1 && columns.some((c) => c.unique && c.name === keyColumns[0])) ||
    indexes.some(
      (i) =>
        !i.where &&
        i.using === 'btree' &&
        leads(
          keyColumns,
          i.keys.map((k) => k.column),
        ),
    );
  for (const relation of relations.values()) {
    if (relation.kind !== 'belongsTo' || relation.options.index === false) continue;
    const foreignKey = relation.options.foreignKey ?? `${relation.property}Id`;
    const keys = (typeof foreignKey === 'string' ? [foreignKey] : [...foreignKey]).map(column);
    // A missing key column is reported when the relation resolves.
    if (keys.some((key) => !key)) continue;
    const typeKey = relation.options.polymorphic
      ? column(relation.options.typeKey ?? `${relation.property}Type`)
      : undefined;
    const keyColumns = [...keys.map((key) => key!.name), ...(typeKey ? [typeKey.name] : [])];
    if (covered(keyColumns)) continue;
    indexes.push({
      name: defaultConstraintName(tableName, keyColumns, 'idx'),
      unique: false,
      using: 'btree',
      keys: keyColumns.map((name) => ({ column: name })),
      origin: 'belongsTo',
    });
  }
  const names = new Set<string>();
  for (const { name } of [...indexes, ...checks]) {
    if (names.has(name)) {
      throw new TypeError(
        `${className}: two indexes or checks are named "${name}"; name one of them`,
      );
    }
    names.add(name);
  }
  return { indexes, checks };
}

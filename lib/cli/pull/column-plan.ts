import { normalizeDefault, type ColumnSpec, type TableSpec } from '../../migrations/schema-spec';
import { sqlLiteral } from '../../migrations/sql-literal';
import { snakeCaseNaming } from '../../metadata/naming-strategy';
import { mapColumn, quote as str, type ColumnMapping } from './column-mapping';
import type { PlannedProperty, PullNote } from './model-plan';
import type { SchemaCatalog } from './schema-catalog';

/** The source of a `sql` template holding `text` as written. */
export function sqlTemplate(text: string): string {
  return `sql\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

/** A default the database generates a key with: a sequence, an identity, a random uuid. */
function generatesKey(column: ColumnSpec): boolean {
  return (
    column.identity ||
    /^nextval\(/.test(column.default ?? '') ||
    column.default === 'gen_random_uuid()' ||
    column.default === 'uuid_generate_v4()'
  );
}

/**
 * The `default` option for a column default: a literal when writing it back gives the same
 * SQL (so `migration:generate` sees no change), else the expression as a `sql` template.
 */
function defaultSource(column: ColumnSpec, mapping: ColumnMapping): string | undefined {
  const text = column.default;
  if (text === undefined) return undefined;
  const literal = literalOf(text, mapping);
  if (literal !== undefined && normalizeDefault(sqlLiteral(literal)) === text) {
    return typeof literal === 'string' ? str(literal) : String(literal);
  }
  return sqlTemplate(text);
}

function literalOf(text: string, mapping: ColumnMapping): string | number | boolean | undefined {
  // Arrays and JSON take their defaults as SQL: the model's literal defaults are scalars.
  if (mapping.type.endsWith('[]') || mapping.type === 'json' || mapping.type === 'jsonb') {
    return undefined;
  }
  if (mapping.tsType === 'boolean' && /^(true|false)$/.test(text)) return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    if (mapping.tsType === 'number') return Number(text);
    if (mapping.tsType === 'string') return text;
    return undefined;
  }
  const quoted = /^'((?:[^']|'')*)'$/s.exec(text);
  if (quoted && mapping.tsType !== 'Date' && mapping.tsType !== 'Buffer') {
    return quoted[1]!.replace(/''/g, "'");
  }
  return undefined;
}

/** The options `@Column` (or `@PrimaryKey`) needs for what the mapping says. */
function typeOptions(mapping: ColumnMapping, nullable: boolean): Array<[string, string]> {
  const options: Array<[string, string]> = [];
  // number, string, boolean and Date properties infer their type, unless the union with null
  // hides it (TypeScript emits Object for unions).
  const inferred: Record<string, string> = {
    integer: 'number',
    text: 'string',
    boolean: 'boolean',
    timestamptz: 'Date',
  };
  if (mapping.enumValues) {
    options.push(['enum', `[${mapping.enumValues.map(str).join(', ')}]`]);
    options.push(['enumName', str(mapping.enumName!)]);
    return options;
  }
  if (nullable || inferred[mapping.type] !== mapping.tsType || mapping.sqlType) {
    options.push(['type', str(mapping.type)]);
  }
  if (mapping.sqlType) options.push(['sqlType', str(mapping.sqlType)]);
  if (mapping.length !== undefined) options.push(['length', String(mapping.length)]);
  if (mapping.precision !== undefined) options.push(['precision', String(mapping.precision)]);
  if (mapping.scale !== undefined) options.push(['scale', String(mapping.scale)]);
  return options;
}

const primaryKeyTypes = new Set(['integer', 'bigint', 'uuid', 'text']);

/** The type a property's TypeScript type implies (what `design:type` gives the ORM). */
const inferredTypes: Record<string, string> = {
  number: 'integer',
  string: 'text',
  boolean: 'boolean',
  Date: 'timestamptz',
};

/**
 * The `type` option of a key column: a single key is an integer unless it says otherwise; a
 * composite key's columns take their type from the property unless they say otherwise.
 */
function keyTypeOptions(
  table: TableSpec,
  column: string,
  mapping: ColumnMapping,
  composite: boolean,
  notes: PullNote[],
): Array<[string, string]> {
  const implied = composite ? inferredTypes[mapping.tsType] : 'integer';
  if (mapping.type === implied && !mapping.sqlType) return [];
  if (primaryKeyTypes.has(mapping.type) && !mapping.sqlType) {
    return [['type', str(mapping.type)]];
  }
  notes.push({
    object: `${table.name}.${column}`,
    note: `a ${mapping.sqlType ?? mapping.type} primary key column: declared as text`,
  });
  return [['type', str('text')]];
}

/**
 * The column properties of a table: `@PrimaryKey` for its key columns, `@CreatedAt` and
 * `@UpdatedAt` for `created_at`/`updated_at` stamped by `now()`, `@Column` for the others.
 * `name` is given only where the naming strategy would not give the column back.
 */
export function planColumns(
  table: TableSpec,
  properties: Map<string, string>,
  enums: ReadonlyMap<string, readonly string[]>,
  catalog: SchemaCatalog,
  uniqueColumns: ReadonlySet<string>,
  notes: PullNote[],
): PlannedProperty[] {
  const composite = table.primaryKey.length > 1;
  const comments = catalog.columnComments.get(table.name);
  // The key first, in the key's order: a composite key is declared in that order.
  const keyColumns = table.primaryKey.map((name) => table.columns.find((c) => c.name === name)!);
  const ordered = [...keyColumns, ...table.columns.filter((c) => !keyColumns.includes(c))];
  return ordered.map((column) => {
    const property = properties.get(column.name)!;
    const mapping = mapColumn(column, enums, catalog);
    if (mapping.note) notes.push({ object: `${table.name}.${column.name}`, note: mapping.note });
    const nameOption: Array<[string, string]> =
      snakeCaseNaming.columnName(property) === column.name ? [] : [['name', str(column.name)]];
    const planned = {
      args: [],
      property,
      comment: comments?.get(column.name),
      refersTo: [],
    };
    if (table.primaryKey.includes(column.name)) {
      const options = [
        ...nameOption,
        ...keyTypeOptions(table, column.name, mapping, composite, notes),
      ];
      // A single key is generated unless it says otherwise (text never is); a composite key's
      // columns never are unless they say so.
      const generated = generatesKey(column);
      const generatedByDefault = !composite && mapping.type !== 'text';
      if (generated !== generatedByDefault) options.push(['generated', String(generated)]);
      return { ...planned, decorator: 'PrimaryKey', options, tsType: mapping.tsType };
    }
    if (!column.nullable && column.default === 'now()' && mapping.type === 'timestamptz') {
      const stamp = { created_at: 'CreatedAt', updated_at: 'UpdatedAt' }[column.name];
      if (stamp) return { ...planned, decorator: stamp, options: nameOption, tsType: 'Date' };
    }
    if (column.identity) {
      notes.push({
        object: `${table.name}.${column.name}`,
        note: 'an identity column that is not the primary key: declared as a plain column',
      });
    }
    const options = [...nameOption, ...typeOptions(mapping, column.nullable)];
    if (column.nullable) options.push(['nullable', 'true']);
    if (uniqueColumns.has(column.name)) options.push(['unique', 'true']);
    const defaultCode = column.identity ? undefined : defaultSource(column, mapping);
    if (defaultCode !== undefined) options.push(['default', defaultCode]);
    return {
      ...planned,
      decorator: 'Column',
      options,
      tsType:
        column.nullable && mapping.tsType !== 'unknown'
          ? `${mapping.tsType} | null`
          : mapping.tsType,
    };
  });
}

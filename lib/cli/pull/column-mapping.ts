import type { ColumnSpec } from '../../migrations/schema-spec';
import type { SchemaCatalog } from './schema-catalog';

/** How a database column is declared in a model: `@Column` options and the property's type. */
export interface ColumnMapping {
  /** The `type` option (a `ColumnType`). */
  type: string;
  /** The database type when `type` only names its base (domains, types outside the list). */
  sqlType?: string;
  length?: number;
  precision?: number;
  scale?: number;
  enumValues?: string[];
  enumName?: string;
  /** The TypeScript type of the property, without `| null`. */
  tsType: string;
  /** What could not be mapped exactly, for the report. */
  note?: string;
}

/** A TypeScript string literal as Prettier writes it: single quotes, unless they need escapes. */
export function quote(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  if (value.includes("'") && !value.includes('"')) return `"${escaped}"`;
  return `'${escaped.replace(/'/g, "\\'")}'`;
}

/** Types whose `format_type` spelling is the `type` option itself, with their TypeScript type. */
const directTypes: Record<string, string> = {
  smallint: 'number',
  integer: 'number',
  // Both drivers return int8 and numeric as strings: they do not fit a JavaScript number.
  bigint: 'string',
  real: 'number',
  'double precision': 'number',
  numeric: 'string',
  text: 'string',
  citext: 'string',
  boolean: 'boolean',
  date: 'string',
  uuid: 'string',
  jsonb: 'unknown',
  json: 'unknown',
  bytea: 'Buffer',
  interval: 'string',
  inet: 'string',
  cidr: 'string',
  macaddr: 'string',
  tsvector: 'string',
  int4range: 'string',
  int8range: 'string',
  numrange: 'string',
  tsrange: 'string',
  tstzrange: 'string',
  daterange: 'string',
};

/** `format_type` spellings that name a listed type differently. */
const spelledTypes: Record<string, { type: string; tsType: string }> = {
  'timestamp with time zone': { type: 'timestamptz', tsType: 'Date' },
  'timestamp without time zone': { type: 'timestamp', tsType: 'Date' },
  'time without time zone': { type: 'time', tsType: 'string' },
  'character varying': { type: 'varchar', tsType: 'string' },
};

/** A type the `type` option lists, with its modifiers; undefined when it is not one. */
function listedType(formatted: string): ColumnMapping | undefined {
  if (Object.hasOwn(directTypes, formatted)) {
    return { type: formatted, tsType: directTypes[formatted]! };
  }
  if (Object.hasOwn(spelledTypes, formatted)) return { ...spelledTypes[formatted]! };
  const varchar = /^character varying\((\d+)\)$/.exec(formatted);
  if (varchar) return { type: 'varchar', length: Number(varchar[1]), tsType: 'string' };
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(formatted);
  if (numeric) {
    return {
      type: 'numeric',
      precision: Number(numeric[1]),
      scale: Number(numeric[2]),
      tsType: 'string',
    };
  }
  return undefined;
}

/** The listed type closest to an unlisted one, for conversion (`character(20)` reads as text). */
function baseOf(formatted: string): { type: string; tsType: string } {
  if (/^(character|bit|bit varying)\b/.test(formatted)) return { type: 'text', tsType: 'string' };
  if (/^timestamp\(\d\) with time zone$/.test(formatted)) {
    return { type: 'timestamptz', tsType: 'Date' };
  }
  if (/^timestamp\(\d\) without time zone$/.test(formatted)) {
    return { type: 'timestamp', tsType: 'Date' };
  }
  if (/^interval\b/.test(formatted)) return { type: 'interval', tsType: 'string' };
  return { type: 'text', tsType: 'string' };
}

/**
 * The model declaration of a column: a listed type as is; an enum with its labels; a domain as
 * its base type with `sqlType` naming the domain; any other type as text (or its nearest listed
 * type) with `sqlType`, and a note saying so.
 */
export function mapColumn(
  column: ColumnSpec,
  enums: ReadonlyMap<string, readonly string[]>,
  catalog: Pick<SchemaCatalog, 'domains'>,
): ColumnMapping {
  const isArray = column.type.endsWith('[]');
  const element = isArray ? column.type.slice(0, -2) : column.type;
  const mapped = mapScalar(element, enums, catalog);
  if (!isArray) return mapped;
  if (mapped.enumValues || mapped.sqlType) {
    return {
      type: 'text[]',
      sqlType: column.type,
      tsType: 'string[]',
      note: `${column.type} is read as text[]`,
    };
  }
  return { ...mapped, type: `${mapped.type}[]`, tsType: `${mapped.tsType}[]` };
}

function mapScalar(
  formatted: string,
  enums: ReadonlyMap<string, readonly string[]>,
  catalog: Pick<SchemaCatalog, 'domains'>,
): ColumnMapping {
  const listed = listedType(formatted);
  if (listed) return listed;
  const labels = enums.get(formatted.replace(/^"(.*)"$/, '$1'));
  if (labels) {
    return {
      type: 'enum',
      enumValues: [...labels],
      enumName: formatted.replace(/^"(.*)"$/, '$1'),
      tsType: labels.map(quote).join(' | '),
    };
  }
  const domain = catalog.domains.get(formatted);
  if (domain) {
    const base = listedType(domain.baseType) ?? baseOf(domain.baseType);
    return { ...base, sqlType: formatted };
  }
  return {
    ...baseOf(formatted),
    sqlType: formatted,
    note: `type ${formatted} is not one the models convert: declared as ${baseOf(formatted).type} with sqlType`,
  };
}

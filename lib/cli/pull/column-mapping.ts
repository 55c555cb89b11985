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
  int4range: 'Range<number>',
  int8range: 'Range<string>',
  numrange: 'Range<string>',
  tsrange: 'Range<Date>',
  tstzrange: 'Range<Date>',
  daterange: 'Range<string>',
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
  const char = /^character\((\d+)\)$/.exec(formatted);
  if (char) return { type: 'char', length: Number(char[1]), tsType: 'string' };
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
 * The `sqlType` that gives `format_type`'s spelling back: a name that is one identifier
 * (`year`, `ltree`, `"Year"`), unquoted; undefined for a spelling no name gives back
 * (`character(20)`, `time with time zone`, a name with characters outside `[A-Za-z0-9_]`).
 */
function sqlTypeName(formatted: string): string | undefined {
  const name = /^"(.*)"$/.exec(formatted)?.[1] ?? formatted;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) return undefined;
  // format_type leaves a lowercase name bare and quotes any other.
  const quoted = !/^[a-z_][a-z0-9_]*$/.test(name);
  return quoted === formatted.startsWith('"') ? name : undefined;
}

/** Names of `format_type` spellings that are not one identifier, for the nearest `sqlType`. */
const internalNames: Array<[RegExp, string]> = [
  [/^bit\(\d+\)$/, 'bit'],
  [/^bit varying(\(\d+\))?$/, 'varbit'],
  [/^time(\(\d\))? with time zone$/, 'timetz'],
];

/**
 * The model declaration of a column: a listed type as is; an enum with its labels; a domain,
 * or another type, as its nearest listed type with `sqlType` naming it. A type whose spelling
 * no `sqlType` gives back is noted: `migration:generate` would change its type.
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
  if (mapped.enumValues || mapped.sqlType || mapped.type.endsWith('range')) {
    return {
      type: 'text[]',
      tsType: 'string[]',
      note: `an array of ${element}, which models do not declare: declared as text[] (migration:generate would change its type)`,
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
  const unquoted = /^"(.*)"$/.exec(formatted)?.[1] ?? formatted;
  const labels = enums.get(unquoted);
  if (labels) {
    return {
      type: 'enum',
      enumValues: [...labels],
      enumName: unquoted,
      tsType: labels.map(quote).join(' | '),
    };
  }
  const domain = catalog.domains.get(formatted);
  const base = domain
    ? (listedType(domain.baseType) ?? baseOf(domain.baseType))
    : baseOf(formatted);
  const name = sqlTypeName(formatted);
  if (name) {
    return domain
      ? { ...base, sqlType: name }
      : {
          ...base,
          sqlType: name,
          note: `type ${formatted}: declared as ${base.type} with sqlType`,
        };
  }
  const nearest = internalNames.find(([spelling]) => spelling.test(formatted))?.[1];
  return {
    ...base,
    ...(nearest ? { sqlType: nearest } : {}),
    note:
      `type ${formatted} has no sqlType spelling: declared as ${base.type}` +
      (nearest ? ` with sqlType '${nearest}'` : '') +
      ' (migration:generate would change its type)',
  };
}

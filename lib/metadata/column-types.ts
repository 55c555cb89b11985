/** The built-in PostgreSQL range types; their values are `Range` objects. */
export type RangeColumnType =
  'int4range' | 'int8range' | 'numrange' | 'tsrange' | 'tstzrange' | 'daterange';

/** PostgreSQL scalar types a column can have. Arrays are written `text[]`, `integer[]`, …. */
export type ScalarColumnType =
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'real'
  | 'double precision'
  | 'numeric'
  | 'text'
  | 'varchar'
  /** Fixed length, blank-padded (`character(n)`; `length` gives n, default 1). */
  | 'char'
  | 'citext'
  | 'boolean'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'time'
  | 'interval'
  | 'uuid'
  | 'jsonb'
  | 'json'
  | 'bytea'
  | 'inet'
  | 'cidr'
  | 'macaddr'
  | 'tsvector'
  | RangeColumnType
  | 'enum';

/** Scalar types that have no array form here (enum arrays, range arrays, tsvector arrays). */
type WithoutArray = 'enum' | 'tsvector' | RangeColumnType;

export type ColumnType = ScalarColumnType | `${Exclude<ScalarColumnType, WithoutArray>}[]`;

const rangeTypes = new Set<string>([
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
]);

const arrayableTypes = new Set<string>([
  'smallint',
  'integer',
  'bigint',
  'real',
  'double precision',
  'numeric',
  'text',
  'varchar',
  'char',
  'citext',
  'boolean',
  'timestamptz',
  'timestamp',
  'date',
  'time',
  'interval',
  'uuid',
  'jsonb',
  'json',
  'bytea',
  'inet',
  'cidr',
  'macaddr',
]);

const scalarTypes = new Set<string>([...arrayableTypes, ...rangeTypes, 'tsvector', 'enum']);

export function isColumnType(type: string): type is ColumnType {
  if (type.endsWith('[]')) return arrayableTypes.has(type.slice(0, -2));
  return scalarTypes.has(type);
}

export function isRangeType(type: string): type is RangeColumnType {
  return rangeTypes.has(type);
}

/**
 * The column type implied by the property's design-time type (emitted by TypeScript's
 * `emitDecoratorMetadata`), or undefined when it cannot be known (unions, arrays, objects).
 */
export function inferColumnType(designType: unknown): ColumnType | undefined {
  switch (designType) {
    case Number:
      return 'integer';
    case String:
      return 'text';
    case Boolean:
      return 'boolean';
    case Date:
      return 'timestamptz';
    default:
      return undefined;
  }
}

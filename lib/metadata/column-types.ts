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
  | 'citext'
  | 'boolean'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'time'
  | 'uuid'
  | 'jsonb'
  | 'json'
  | 'bytea'
  | 'enum';

export type ColumnType = ScalarColumnType | `${Exclude<ScalarColumnType, 'enum'>}[]`;

const scalarTypes = new Set<string>([
  'smallint',
  'integer',
  'bigint',
  'real',
  'double precision',
  'numeric',
  'text',
  'varchar',
  'citext',
  'boolean',
  'timestamptz',
  'timestamp',
  'date',
  'time',
  'uuid',
  'jsonb',
  'json',
  'bytea',
  'enum',
]);

export function isColumnType(type: string): type is ColumnType {
  if (type.endsWith('[]')) return type !== 'enum[]' && scalarTypes.has(type.slice(0, -2));
  return scalarTypes.has(type);
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

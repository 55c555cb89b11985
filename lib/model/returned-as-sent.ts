import type { ColumnMeta } from '../metadata/model-meta';

/**
 * Whether the database stores `value` in `column` exactly as it was sent, so that an UPDATE
 * need not return it (`RETURNING` costs the server a projected row and the client its
 * parsing, on every save). True only where nothing can change the value on the way in:
 * integers that are JavaScript numbers, booleans, unbounded text, enum labels, and Dates in a
 * `timestamptz` of at least millisecond precision. Anything else — numeric scale, bounded or
 * padded strings, uuid spellings, json, arrays, `timestamp` in a time zone's gap, domains,
 * transformers — comes back from the server, whose form the record must then hold.
 */
export function returnedAsSent(column: ColumnMeta, value: unknown): boolean {
  if (column.customType !== undefined || column.transformer || column.isArray) return false;
  if (value === null || value === undefined) return true;
  switch (column.type) {
    case 'smallint':
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'text':
      return typeof value === 'string';
    case 'varchar':
      // varchar(n) silently cuts spaces past its length.
      return typeof value === 'string' && column.length === undefined;
    case 'enum':
      return typeof value === 'string';
    case 'timestamptz':
      return (
        value instanceof Date &&
        Number.isFinite(value.getTime()) &&
        (column.precision === undefined || column.precision >= 3)
      );
    default:
      return false;
  }
}

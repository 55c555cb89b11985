import type { ColumnMeta, SqlType } from '../metadata/model-meta';

// Many rows travel as one array parameter per column, unpacked by `unnest` on the server
// (`insertAll`, and the unit of work's grouped INSERT and UPDATE): the statement text and the
// parameter count stay the same whatever the number of rows.

/**
 * Array columns travel as array literals in a text[] (unnest would flatten an array of
 * arrays); json values as their serialized text.
 */
export function elementValue(field: ColumnMeta, value: unknown): unknown {
  if (field.isArray) return arrayLiteral(value as unknown[]);
  return field.toDriver(value);
}

/** The type of a column's array parameter (text[] for array columns, see above). */
export function arrayTypeOf(field: ColumnMeta): SqlType {
  if (field.isArray) return { name: 'text', userDefined: false, array: true };
  return { ...field.sqlType, array: true };
}

function arrayLiteral(items: readonly unknown[]): string {
  const parts = items.map((item) => {
    if (item === null) return 'NULL';
    const text =
      item instanceof Date
        ? item.toISOString()
        : item instanceof Uint8Array
          ? '\\x' + Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('hex')
          : String(item);
    return '"' + text.replace(/[\\"]/g, '\\$&') + '"';
  });
  return '{' + parts.join(',') + '}';
}

import type { Connection } from '../context/connection';
import type { QueryResult } from '../driver/driver';
import type { ModelMeta } from '../metadata/model-meta';
import { hydrateRecords } from './hydrator';

type Row = Record<string, unknown>;

/**
 * The records of a statement's full rows of the model, sent with `arrays: true` (see
 * `QueryOptions.arrays`). Rows that come as arrays of the model's columns, in its order (as
 * `SELECT *` gives them for a table made by its migrations), become the records' packed
 * states; rows of a table laid out otherwise, or a driver's objects, are read by name.
 */
export function hydrateFullRows<T extends object>(
  meta: ModelMeta,
  result: QueryResult<unknown>,
  connection: Connection | undefined,
): T[] {
  const { rows, fields } = result;
  if (!fields) return hydrateRecords<T>(meta, rows as Row[], connection, false);
  if (matchesColumns(meta, fields)) {
    return hydrateRecords<T>(meta, rows as unknown[][], connection, 'arrays');
  }
  return hydrateRecords<T>(meta, rowsByName(rows as unknown[][], fields), connection, false);
}

/** Whether a result's columns are the model's, in its order. */
function matchesColumns(meta: ModelMeta, fields: readonly string[]): boolean {
  const columns = meta.columns;
  if (fields.length !== columns.length) return false;
  for (let i = 0; i < fields.length; i++) if (fields[i] !== columns[i]!.name) return false;
  return true;
}

/** Rows of arrays as objects by column name (a later column of a name wins, as in `pg`). */
function rowsByName(rows: readonly unknown[][], fields: readonly string[]): Row[] {
  return rows.map((values) => {
    const row: Row = {};
    fields.forEach((name, i) => (row[name] = values[i]));
    return row;
  });
}

import { checkedValue } from '../metadata/checked-value';
import { KeyColumns } from '../metadata/key-columns';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { star } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import { SqlFragment } from '../sql/sql-fragment';
import { isPlainObject } from '../util/objects';
import type { IncludeNode } from './include-tree';
import type { QueryState } from './query-state';
import { whereOf } from './select-statement';

// What makes a lookup batchable with others: it names one row by a key whose equality in SQL
// is equality of text in JavaScript (so each row finds its callers), and the rest of its query
// (its "shape") is identical to theirs.

/** A lookup of one row: the key's columns and the values sought, in the driver's form. */
export interface KeyLookup {
  readonly key: KeyColumns;
  readonly tuple: readonly unknown[];
  /** Equal for the values a row's key holds when it is the row sought. */
  readonly match: string;
}

/**
 * The canonical text of a key part of a type whose SQL equality is a text equality after it;
 * undefined for other types (citext, char(n), numeric, timestamps…: a row of theirs would not
 * find its caller by text, so such lookups are sent alone).
 */
function partText(column: ColumnMeta, value: unknown): string | undefined {
  if (column.customType !== undefined) return undefined;
  switch (column.type) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      // A safe integer prints as its BigInt does, without making one (this runs per find).
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      try {
        // '007' and 7 name the same row, which comes back as 7 (or '7' for int8).
        return BigInt(value as string | number | bigint).toString();
      } catch {
        return undefined;
      }
    case 'text':
    case 'varchar':
    case 'enum':
      return typeof value === 'string' ? value : undefined;
    case 'uuid':
      // PostgreSQL reads braces, no hyphens and capitals, and answers in one spelling.
      return typeof value === 'string' ? value.replace(/[{}-]/g, '').toLowerCase() : undefined;
    default:
      return undefined;
  }
}

/** The match text of key values in column order, or undefined when a part has no text. */
export function matchText(key: KeyColumns, values: readonly unknown[]): string | undefined {
  if (!key.composite) return partText(key.columns[0]!, values[0]);
  const parts: string[] = [];
  for (let i = 0; i < key.columns.length; i++) {
    const part = partText(key.columns[i]!, values[i]);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return JSON.stringify(parts);
}

/** The match text of a row's key (columns by name), as returned by the driver. */
export function rowMatchText(key: KeyColumns, row: Record<string, unknown>): string | undefined {
  const values = key.valuesOfRow(row);
  return values && matchText(key, values);
}

/** A primary-key lookup from `find`'s checked values. */
export function primaryKeyLookup(
  meta: ModelMeta,
  values: readonly unknown[],
): KeyLookup | undefined {
  const match = matchText(meta.key, values);
  return match === undefined ? undefined : { key: meta.key, tuple: values, match };
}

const uniqueKeys = new WeakMap<ColumnMeta, KeyColumns>();

/**
 * A `findBy` input that names one row: exactly the primary key's fields, or one field declared
 * `unique: true`, each compared to a plain value. Anything else (operators, lists, null, other
 * fields) is an ordinary query.
 */
export function keyLookupOf(meta: ModelMeta, input: unknown): KeyLookup | undefined {
  if (!isPlainObject(input)) return undefined;
  const fields = Object.keys(input);
  let key: KeyColumns;
  if (fields.length === meta.key.properties.length && fields.every(isKeyField(meta))) {
    key = meta.key;
  } else {
    const column = fields.length === 1 ? meta.column(fields[0]!) : undefined;
    if (!column?.unique || column.isArray || column.isJson) return undefined;
    key = uniqueKeys.get(column) ?? new KeyColumns([column]);
    uniqueKeys.set(column, key);
  }
  const tuple: unknown[] = [];
  for (const column of key.columns) {
    const value = input[column.property];
    if (value === null || value === undefined || typeof value === 'object') return undefined;
    tuple.push(checkedValue(meta, column, value));
  }
  const match = matchText(key, tuple);
  return match === undefined ? undefined : { key, tuple, match };
}

function isKeyField(meta: ModelMeta): (field: string) => boolean {
  return (field) => meta.column(field)?.role === 'primaryKey';
}

/**
 * What a lookup's statement is apart from its keys, as text: lookups of equal shape share one
 * statement. Undefined when the query must run alone: a lock (each caller locks what it asked
 * for, when it asked), a limit or offset, a join table, DISTINCT, an include refined by a
 * function, or values that have no faithful text. The order is left out: a key names one row.
 */
export function lookupShape(
  meta: ModelMeta,
  state: QueryState,
  key: KeyColumns,
): string | undefined {
  const { lock, limit, offset, through, distinct, select, includes } = state;
  if (lock || limit !== undefined || offset !== undefined || through || distinct) return undefined;
  // Each row is matched to its callers by its key, which a narrower select must keep.
  if (select && key.properties.some((p) => !select.includes(p))) return undefined;
  const paths = includes?.length ? includePaths(includes) : '';
  if (paths === undefined) return undefined;
  let conditions = '';
  if (state.where.length || state.scopeWhere?.length) {
    const where = whereOf(meta, state);
    const { text, values } = compileStatement({
      kind: 'select',
      from: meta.tableName,
      columns: [star],
      where,
    });
    const shownValues = valuesText(values);
    if (shownValues === undefined) return undefined;
    conditions = `${text}\u0000${shownValues}`;
  }
  return [
    key.names.join(','),
    state.deleted ?? '',
    select?.join(',') ?? '*',
    state.counts?.join(',') ?? '',
    paths,
    conditions,
  ].join('\u0001');
}

function includePaths(nodes: readonly IncludeNode[]): string | undefined {
  const parts: string[] = [];
  for (const node of nodes) {
    if (node.refine) return undefined;
    const children = node.children.length ? includePaths(node.children) : '';
    if (children === undefined) return undefined;
    parts.push(`${node.property}(${children})`);
  }
  return parts.join(',');
}

/** The parameters as text that tells types apart (a Date from its ISO text), or undefined. */
function valuesText(values: readonly unknown[]): string | undefined {
  try {
    return JSON.stringify(values, function (this: Record<string, unknown>, name, value: unknown) {
      const original = this[name];
      if (original instanceof Date) return { date: original.getTime() };
      if (typeof original === 'bigint') return { bigint: original.toString() };
      if (original instanceof SqlFragment || typeof original === 'function') throw new Error();
      return value;
    });
  } catch {
    return undefined;
  }
}

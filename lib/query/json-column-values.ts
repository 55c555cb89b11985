import type { ColumnMeta } from '../metadata/model-meta';
import { parseTimestamp } from '../driver/timestamp-text';
import { column, type Expr } from '../sql/nodes';

type Convert = (value: unknown) => unknown;

// A row read through `json_agg` carries JSON values, not the drivers' values: numbers that
// JSON cannot hold exactly travel as text, and the rest is turned back into what the drivers
// return for the column, so the column's own conversions (fromDriver, transformers) apply
// unchanged when the row is hydrated.

const TEXT = { name: 'text', userDefined: false, array: false } as const;
const TEXT_ARRAY = { name: 'text', userDefined: false, array: true } as const;

/** Element types whose values JSON would round (int8, numeric) or spell its own way. */
function travelsAsText(column: ColumnMeta): boolean {
  const element = column.type.endsWith('[]') ? column.type.slice(0, -2) : column.type;
  if (element === 'bigint' || element === 'numeric') return true;
  // A domain or an extension's type: the drivers return its text.
  return column.sqlType.userDefined && column.type !== 'enum';
}

/** A column's value inside a JSON-aggregated subquery of table `alias`. */
export function jsonColumnExpr(meta: ColumnMeta, alias: string): Expr {
  const item = column(meta.name, alias);
  if (!travelsAsText(meta)) return item;
  return { kind: 'cast', item, type: meta.sqlType.array ? TEXT_ARRAY : TEXT };
}

/** What `to_json` gives for one (non-null) element, turned into the driver's value. */
function elementFromJson(element: string): Convert | undefined {
  switch (element) {
    case 'timestamptz':
    case 'timestamp':
      // to_json writes ISO 8601, read as the drivers read the server's own text.
      return (v) => (typeof v === 'string' ? parseTimestamp(v) : v);
    case 'bytea':
      return (v) => (typeof v === 'string' ? Buffer.from(v.slice(2), 'hex') : v);
    case 'real':
    case 'double precision':
      // NaN and the infinities are JSON strings.
      return (v) => (typeof v === 'string' ? Number(v) : v);
    default:
      return undefined;
  }
}

/** Turns a column's JSON value into its driver value; undefined when they are the same. */
export function jsonColumnReader(meta: ColumnMeta): Convert | undefined {
  const isArray = meta.type.endsWith('[]');
  const convert = elementFromJson(isArray ? meta.type.slice(0, -2) : meta.type);
  if (!convert) return undefined;
  if (!isArray) return convert;
  const each: Convert = (v) =>
    Array.isArray(v) ? v.map((item) => (item === null ? null : each(item))) : convert(v);
  return each;
}

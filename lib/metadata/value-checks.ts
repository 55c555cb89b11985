import { isIP } from 'node:net';
import type { ColumnType } from './column-types';
import { isoDurationText } from './interval-text';

/** Returns what a value should have been, or undefined when it fits the column type. */
export type ValueCheck = (value: unknown) => string | undefined;

const integerText = /^-?\d+$/;
const numericText = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^NaN$/;
const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateText = /^\d{4}-\d{2}-\d{2}$/;
const isoTimestamp =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;

function integerCheck(min: number, max: number, label: string): ValueCheck {
  return (v) => {
    if (typeof v === 'number')
      return Number.isInteger(v) && v >= min && v <= max ? undefined : label;
    if (typeof v === 'bigint') return v >= BigInt(min) && v <= BigInt(max) ? undefined : label;
    if (typeof v === 'string') {
      const n = Number(v);
      return integerText.test(v) && n >= min && n <= max ? undefined : label;
    }
    return label;
  };
}

const int8Min = -(2n ** 63n);
const int8Max = 2n ** 63n - 1n;
const bigintCheck: ValueCheck = (v) =>
  (typeof v === 'number' && Number.isSafeInteger(v)) ||
  (typeof v === 'bigint' && v >= int8Min && v <= int8Max) ||
  (typeof v === 'string' && integerText.test(v) && BigInt(v) >= int8Min && BigInt(v) <= int8Max)
    ? undefined
    : 'a 64-bit integer (number, bigint or digit string)';

const floatCheck: ValueCheck = (v) =>
  typeof v === 'number' || (typeof v === 'string' && numericText.test(v)) ? undefined : 'a number';

const numericCheck: ValueCheck = (v) =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && numericText.test(v))
    ? undefined
    : 'a decimal (string or finite number)';

/**
 * Whether the text holds whole characters: no half of a UTF-16 surrogate pair without its
 * other half, which sent as text would be stored as U+FFFD, silently changing the value.
 * `String.prototype.isWellFormed` (ES2024, in every supported Node) answers natively, at once
 * for text of one-byte characters; a regular expression scanned every string (~80 ns each,
 * a fifth of a bulk insert's own time).
 */
function wellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

const stringCheck: ValueCheck = (v) =>
  typeof v !== 'string'
    ? 'a string'
    : v.includes('\0')
      ? 'a string without NUL characters'
      : !wellFormed(v)
        ? 'a string of whole characters (without lone UTF-16 surrogates)'
        : undefined;

/** A calendar day that exists: 2024-02-29 yes, 2023-02-29 and 2024-02-30 no. */
function isCalendarDay(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const timestampCheck: ValueCheck = (v) =>
  (v instanceof Date && !Number.isNaN(v.getTime())) ||
  (typeof v === 'string' &&
    isoTimestamp.test(v) &&
    !Number.isNaN(Date.parse(v)) &&
    isCalendarDay(v))
    ? undefined
    : 'a valid Date or ISO 8601 string';

const dateCheck: ValueCheck = (v) =>
  (v instanceof Date && !Number.isNaN(v.getTime())) ||
  (typeof v === 'string' && dateText.test(v) && isCalendarDay(v))
    ? undefined
    : 'a date (YYYY-MM-DD string or Date)';

const jsonCheck: ValueCheck = (v) => (isJsonSerializable(v, 0) ? undefined : 'a JSON value');

function isJsonSerializable(v: unknown, depth: number): boolean {
  if (depth > 100) return false;
  switch (typeof v) {
    case 'string':
      return wellFormed(v);
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      if (v === null || v instanceof Date) return true;
      if (Array.isArray(v)) return v.every((item) => isJsonSerializable(item, depth + 1));
      return Object.entries(v).every(
        ([key, item]) =>
          wellFormed(key) && (item === undefined || isJsonSerializable(item, depth + 1)),
      );
    default:
      return false;
  }
}

/** An address with an optional prefix length: `192.168.0.1`, `10.0.0.0/8`, `::1/128`. */
function networkCheck(label: string): ValueCheck {
  return (v) => {
    if (typeof v !== 'string') return label;
    const [address, prefix, extra] = v.split('/');
    const version = isIP(address!);
    if (version === 0 || extra !== undefined) return label;
    if (prefix === undefined) return undefined;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)
      ? undefined
      : label;
  };
}

/** The spellings PostgreSQL reads as a macaddr (six bytes of hex). */
const macaddrText =
  /^([0-9a-f]{2}([:-])[0-9a-f]{2}(\2[0-9a-f]{2}){4}|[0-9a-f]{6}[:-]?[0-9a-f]{6}|[0-9a-f]{4}([.-])[0-9a-f]{4}\4[0-9a-f]{4})$/i;

const scalarChecks: Record<string, ValueCheck> = {
  smallint: integerCheck(-32768, 32767, 'a smallint (integer from -32768 to 32767)'),
  integer: integerCheck(-2147483648, 2147483647, 'a 32-bit integer'),
  bigint: bigintCheck,
  real: floatCheck,
  'double precision': floatCheck,
  numeric: numericCheck,
  text: stringCheck,
  varchar: stringCheck,
  char: stringCheck,
  citext: stringCheck,
  time: stringCheck,
  boolean: (v) => (typeof v === 'boolean' ? undefined : 'a boolean'),
  timestamptz: timestampCheck,
  timestamp: timestampCheck,
  date: dateCheck,
  uuid: (v) => (typeof v === 'string' && uuidText.test(v) ? undefined : 'a uuid string'),
  jsonb: jsonCheck,
  json: jsonCheck,
  bytea: (v) => (v instanceof Uint8Array ? undefined : 'a Buffer or Uint8Array'),
  interval: (v) =>
    typeof v === 'string' && isoDurationText.test(v)
      ? undefined
      : "an ISO 8601 duration string (e.g. 'P1DT2H30M')",
  inet: networkCheck("an IP address string (e.g. '192.168.0.1' or '10.0.0.0/8')"),
  cidr: networkCheck("a network address string (e.g. '10.0.0.0/8')"),
  macaddr: (v) =>
    typeof v === 'string' && macaddrText.test(v)
      ? undefined
      : "a MAC address string (e.g. '08:00:2b:01:02:03')",
  tsvector: stringCheck,
};

/** The check for one non-null value of a column of this type. */
export function valueCheckFor(
  type: ColumnType,
  enumValues?: readonly string[],
  length?: number,
): ValueCheck {
  if (type === 'enum') {
    const allowed = new Set(enumValues ?? []);
    const label = `one of ${[...allowed].map((a) => JSON.stringify(a)).join(', ')}`;
    return (v) => (typeof v === 'string' && allowed.has(v) ? undefined : label);
  }
  if (type.endsWith('[]')) {
    const element = valueCheckFor(type.slice(0, -2) as ColumnType);
    return (v) => {
      if (!Array.isArray(v)) return `an array (${type})`;
      for (const item of v) {
        if (item !== null && element(item) !== undefined) return `an array (${type})`;
      }
      return undefined;
    };
  }
  const check = scalarChecks[type] ?? stringCheck;
  if ((type === 'varchar' || type === 'char') && length !== undefined) {
    return (v) =>
      check(v) ??
      ((v as string).length > length ? `a string of at most ${length} characters` : undefined);
  }
  return check;
}

/** Names the kind of a value for error messages, without showing the value. */
export function describeValueKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

import type { ColumnTransformer } from './column-options';
import { isRangeType, type ColumnType } from './column-types';
import { intervalToIso } from './interval-text';
import { rangeCheck, rangeFromText, rangeToText } from './range-codecs';
import { valueCheckFor, type ValueCheck } from './value-checks';

type Convert = (value: unknown) => unknown;

/** How a column's values are checked, written, read and compared. */
export interface ColumnConversions {
  readonly check: ValueCheck;
  readonly mutable: boolean;
  readonly snapshot: Convert;
  readonly fromSnapshot: Convert;
  readonly toDriver: Convert;
  /** The value a row holds (never null) as the property's value; undefined when it is as is. */
  readonly fromDriver?: Convert;
}

const identity: Convert = (v) => v;

/** The conversions of a column's type, then its transformer's on top (see ColumnTransformer). */
export function conversionsFor(
  type: ColumnType,
  options: {
    enumValues?: readonly string[];
    length?: number;
    transformer?: ColumnTransformer<unknown, unknown>;
  } = {},
): ColumnConversions {
  const base = typeConversions(type, options.enumValues, options.length);
  return options.transformer ? transformed(base, options.transformer) : base;
}

function typeConversions(
  type: ColumnType,
  enumValues: readonly string[] | undefined,
  length: number | undefined,
): ColumnConversions {
  const isArray = type.endsWith('[]');
  const element = isArray ? type.slice(0, -2) : type;
  const fromDriver = elementFromDriver(element);
  if (isArray || type === 'jsonb' || type === 'json') {
    return {
      check: valueCheckFor(type, enumValues, length),
      mutable: true,
      snapshot: (v) => (v === null || v === undefined ? v : JSON.stringify(v)),
      fromSnapshot: (s) => (typeof s === 'string' ? JSON.parse(s) : s),
      // Arrays go to the drivers as arrays; json as its text, serialized here.
      toDriver: isArray ? identity : (v) => (v === null || v === undefined ? v : JSON.stringify(v)),
      fromDriver:
        isArray && fromDriver
          ? (v) =>
              Array.isArray(v) ? v.map((item) => (item === null ? null : fromDriver(item))) : v
          : undefined,
    };
  }
  if (isRangeType(type)) {
    const toText = rangeToText(type);
    const fromText = rangeFromText(type);
    return {
      check: rangeCheck(type),
      mutable: true,
      snapshot: toText,
      fromSnapshot: fromText,
      toDriver: toText,
      fromDriver: fromText,
    };
  }
  const check = valueCheckFor(type, enumValues, length);
  if (type === 'timestamptz' || type === 'timestamp' || type === 'date') {
    return {
      check,
      mutable: true,
      snapshot: (v) => (v instanceof Date ? v.getTime() : v),
      fromSnapshot: (s) => (typeof s === 'number' ? new Date(s) : s),
      toDriver: identity,
    };
  }
  if (type === 'bytea') {
    return {
      check,
      mutable: true,
      snapshot: (v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v),
      fromSnapshot: (s) => (typeof s === 'string' ? Buffer.from(s, 'hex') : s),
      toDriver: identity,
      fromDriver,
    };
  }
  return {
    check,
    mutable: false,
    snapshot: identity,
    fromSnapshot: identity,
    toDriver: identity,
    fromDriver,
  };
}

/** What a driver's value of one element needs to become the documented JavaScript value. */
function elementFromDriver(element: string): Convert | undefined {
  switch (element) {
    // PGlite reads bytea as a Uint8Array, node-postgres as a Buffer: Buffer on both.
    case 'bytea':
      return (v) =>
        v instanceof Uint8Array && !Buffer.isBuffer(v)
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          : v;
    case 'interval':
      return (v) => (typeof v === 'string' ? intervalToIso(v) : v);
    default:
      return undefined;
  }
}

/** A value a transformer refused: never equal to a snapshot, so the write reaches its check. */
const refused = Symbol('refused by the transformer');

function transformed(
  base: ColumnConversions,
  transformer: ColumnTransformer<unknown, unknown>,
): ColumnConversions {
  const toDatabase = (v: unknown): unknown => {
    try {
      return transformer.toDatabase(v);
    } catch {
      return refused;
    }
  };
  const fromDatabase = (raw: unknown): unknown => transformer.fromDatabase(raw);
  const baseFromDriver = base.fromDriver ?? identity;
  return {
    check: (v) => {
      const raw = toDatabase(v);
      if (raw === refused) return 'a value its transformer accepts (toDatabase threw)';
      if (raw === null || raw === undefined)
        return 'a value its transformer turns into a non-null value';
      return base.check(raw);
    },
    // Values are compared in their database form: a value object is never compared by identity.
    mutable: true,
    snapshot: (v) => {
      if (v === null || v === undefined) return v;
      const raw = toDatabase(v);
      return raw === refused || raw === null || raw === undefined ? refused : base.snapshot(raw);
    },
    fromSnapshot: (s) => (s === null || s === undefined ? s : fromDatabase(base.fromSnapshot(s))),
    toDriver: (v) => (v === null || v === undefined ? v : base.toDriver(transformer.toDatabase(v))),
    fromDriver: (raw) => fromDatabase(baseFromDriver(raw)),
  };
}

import type { RangeColumnType } from './column-types';
import { formatRange, isWellFormedRange, parseRange, Range } from './range';
import { valueCheckFor, type ValueCheck } from './value-checks';

/** How the bounds of one range type are checked, written and read. */
export interface RangeCodec {
  /** The type of one bound, for `@>` with an element. */
  readonly elementType: string;
  readonly checkBound: ValueCheck;
  readonly boundText: (bound: unknown) => string;
  readonly parseBound: (text: string) => unknown;
}

const dateOnly: ValueCheck = (v) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && valueCheckFor('date')(v) === undefined
    ? undefined
    : 'a date (YYYY-MM-DD string)';

/** `timestamp` text without a zone is read as UTC wall-clock time. */
function utcWallClock(text: string): unknown {
  const date = new Date(text.replace(' ', 'T') + 'Z');
  return Number.isNaN(date.getTime()) ? text : date;
}

/** `timestamptz` text as the server prints it: `2024-01-01 10:00:00+00` or `…+05:30`. */
function zonedTime(text: string): unknown {
  const date = new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  return Number.isNaN(date.getTime()) ? text : date;
}

const codecs: Record<RangeColumnType, RangeCodec> = {
  int4range: {
    elementType: 'integer',
    checkBound: valueCheckFor('integer'),
    boundText: String,
    parseBound: Number,
  },
  int8range: {
    elementType: 'bigint',
    checkBound: valueCheckFor('bigint'),
    boundText: String,
    parseBound: (text) => text,
  },
  numrange: {
    elementType: 'numeric',
    checkBound: valueCheckFor('numeric'),
    boundText: String,
    parseBound: (text) => text,
  },
  tsrange: {
    elementType: 'timestamp',
    checkBound: valueCheckFor('timestamp'),
    boundText: (b) => (b instanceof Date ? b.toISOString().slice(0, -1) : String(b)),
    parseBound: utcWallClock,
  },
  tstzrange: {
    elementType: 'timestamptz',
    checkBound: valueCheckFor('timestamptz'),
    boundText: (b) => (b instanceof Date ? b.toISOString() : String(b)),
    parseBound: zonedTime,
  },
  daterange: {
    elementType: 'date',
    checkBound: dateOnly,
    boundText: String,
    parseBound: (text) => text,
  },
};

export function rangeCodecOf(type: RangeColumnType): RangeCodec {
  return codecs[type];
}

/** The check of a range column's values: a well-formed `Range` whose bounds fit the type. */
export function rangeCheck(type: RangeColumnType): ValueCheck {
  const { checkBound } = codecs[type];
  const label = `a Range of ${type} bounds (new Range(lower, upper, '[)'))`;
  return (v) => {
    if (!isWellFormedRange(v)) return label;
    for (const bound of [v.lower, v.upper]) {
      if (bound !== null && checkBound(bound) !== undefined) return label;
    }
    return undefined;
  };
}

/** Range → literal, for the driver and for snapshots. */
export function rangeToText(type: RangeColumnType): (value: unknown) => unknown {
  const { boundText } = codecs[type];
  return (v) => (v instanceof Range ? formatRange(v, boundText) : v);
}

/** Literal → Range, for rows read and snapshots restored. */
export function rangeFromText(type: RangeColumnType): (value: unknown) => unknown {
  const { parseBound } = codecs[type];
  return (v) => (typeof v === 'string' ? parseRange(v, parseBound) : v);
}

import { InputNotPermittedError } from '../errors/input-not-permitted-error';
import type { ColumnMeta } from '../metadata/model-meta';
import { describeValueKind } from '../metadata/value-checks';

/** Bounds on the values of one request. */
export interface ValueLimits {
  /** Longest string a client may send as one value. */
  readonly maxStringLength: number;
  /** Most items in one list (`in`, `notIn`). */
  readonly maxListSize: number;
}

const integerText = /^-?\d{1,16}$/;
const booleanText: Record<string, boolean> = { true: true, false: false };

/**
 * One value from a request for a column, as the column's type: query strings carry only text,
 * so `"42"` becomes 42 for an integer column and `"true"` true for a boolean (timestamps, dates,
 * bigints and decimals already take their text). Anything that is not a single value (an object,
 * a list) is refused here: a client never turns a value into an operator.
 */
export function requestValue(
  field: ColumnMeta,
  raw: unknown,
  parameter: string,
  limits: ValueLimits,
): unknown {
  if (typeof raw === 'string' && raw.length > limits.maxStringLength) {
    throw new InputNotPermittedError(parameter, `longer than ${limits.maxStringLength} characters`);
  }
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    throw new InputNotPermittedError(
      parameter,
      `expects a single value, got ${describeValueKind(raw)}`,
    );
  }
  const value = typeof raw === 'string' ? fromText(field, raw) : raw;
  const fault = field.check(value);
  if (fault) throw new InputNotPermittedError(parameter, `expects ${fault}`);
  return value;
}

/** A list from a request: an array, or comma-separated text (`?filter[id][in]=1,2,3`). */
export function requestList(
  field: ColumnMeta,
  raw: unknown,
  parameter: string,
  limits: ValueLimits,
): unknown[] {
  const items = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(items)) {
    throw new InputNotPermittedError(parameter, `expects a list, got ${describeValueKind(raw)}`);
  }
  if (items.length > limits.maxListSize) {
    throw new InputNotPermittedError(parameter, `more than ${limits.maxListSize} values`);
  }
  return items.map((item, i) => requestValue(field, item, `${parameter}[${i}]`, limits));
}

/** `true`/`false` as a boolean or its text. */
export function requestBoolean(raw: unknown, parameter: string): boolean {
  if (typeof raw === 'boolean') return raw;
  const value =
    typeof raw === 'string' && Object.hasOwn(booleanText, raw) ? booleanText[raw] : undefined;
  if (value === undefined) throw new InputNotPermittedError(parameter, 'expects true or false');
  return value;
}

/** A count from a request (a page size, an offset): a whole number from 0 to `max`. */
export function requestCount(raw: unknown, parameter: string, max: number): number {
  const value = typeof raw === 'string' && integerText.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InputNotPermittedError(parameter, 'expects a whole number, 0 or more');
  }
  if (value > max) throw new InputNotPermittedError(parameter, `at most ${max}`);
  return value;
}

function fromText(field: ColumnMeta, text: string): unknown {
  if ((field.type === 'integer' || field.type === 'smallint') && integerText.test(text)) {
    return Number(text);
  }
  if (field.type === 'boolean' && Object.hasOwn(booleanText, text)) return booleanText[text];
  return text;
}

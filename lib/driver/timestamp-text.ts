/**
 * PostgreSQL's text for `timestamptz` and `timestamp` values, turned into Dates the same way on
 * every path: the server's wire format (`2024-03-01 10:20:30.123456+05:30`, both drivers) and
 * `to_json`'s (`2024-03-01T10:20:30.123456+05:30`, the one-statement include strategy).
 *
 * Written by hand because it runs for every timestamp of every row, and because the general
 * parsers get the edges wrong: `Date.UTC` and `new Date(y, …)` read years 0–99 as 1900–1999,
 * and `new Date(text)` refuses years past 9999 and offsets in seconds (`+00:19:32`, which
 * PostgreSQL writes for dates before time zones were standardized).
 *
 * Fractions of a millisecond are cut off, as a Date cannot hold them. `infinity` and
 * `-infinity` read as the numbers `Infinity` and `-Infinity`, as node-postgres has always
 * given them. A value without an offset (`timestamp`) is a wall-clock time of this process's
 * time zone.
 *
 * @example
 * parseTimestamp('0044-03-15 12:00:00+00'); // 0044-03-15T12:00:00.000Z
 */
export function parseTimestamp(text: string): Date | number {
  const length = text.length;
  let at = 0;
  let year = 0;
  while (at < length && isDigit(text.charCodeAt(at))) year = year * 10 + digitAt(text, at++);
  if (at < 4 || text.charCodeAt(at) !== DASH) return special(text);
  const month = twoDigits(text, at + 1);
  const day = twoDigits(text, at + 4);
  const separator = text.charCodeAt(at + 6);
  const hour = twoDigits(text, at + 7);
  const minute = twoDigits(text, at + 10);
  const second = twoDigits(text, at + 13);
  if (
    text.charCodeAt(at + 3) !== DASH ||
    (separator !== SPACE && separator !== LETTER_T) ||
    text.charCodeAt(at + 9) !== COLON ||
    text.charCodeAt(at + 12) !== COLON ||
    Number.isNaN(month + day + hour + minute + second)
  ) {
    return special(text);
  }
  at += 15;
  let millisecond = 0;
  if (text.charCodeAt(at) === DOT) {
    at++;
    let digits = 0;
    for (; at < length && isDigit(text.charCodeAt(at)); at++) {
      if (digits < 3) {
        millisecond = millisecond * 10 + digitAt(text, at);
        digits++;
      }
    }
    if (digits < 3) millisecond *= digits === 2 ? 10 : 100;
  }
  let offsetMs: number | undefined;
  const sign = text.charCodeAt(at);
  if (sign === PLUS || sign === DASH) {
    const hours = twoDigits(text, at + 1);
    at += 3;
    let minutes = 0;
    let seconds = 0;
    if (text.charCodeAt(at) === COLON) {
      minutes = twoDigits(text, at + 1);
      at += 3;
      if (text.charCodeAt(at) === COLON) {
        seconds = twoDigits(text, at + 1);
        at += 3;
      }
    }
    if (Number.isNaN(hours + minutes + seconds)) return special(text);
    offsetMs = (sign === PLUS ? 1 : -1) * (hours * 3_600_000 + minutes * 60_000 + seconds * 1000);
  } else if (sign === LETTER_Z) {
    offsetMs = 0;
    at++;
  }
  if (at < length) {
    if (text.slice(at) !== ' BC') return special(text);
    // 1 BC is year 0, 2 BC is year -1.
    year = 1 - year;
  }
  if (offsetMs === undefined) {
    if (year < 0 || year > 99)
      return new Date(year, month - 1, day, hour, minute, second, millisecond);
    const local = new Date(2000, month - 1, day, hour, minute, second, millisecond);
    local.setFullYear(year);
    return local;
  }
  const time =
    daysFromCivil(year, month, day) * 86_400_000 +
    hour * 3_600_000 +
    minute * 60_000 +
    second * 1000 +
    millisecond -
    offsetMs;
  return new Date(time);
}

/** The month `daysFromCivil` computed last: the timestamps of one result are mostly close. */
let lastMonthKey = Number.NaN;
let lastMonthDays = 0;

/** Days from 1970-01-01 to a proleptic Gregorian date, for any year. */
function daysFromCivil(year: number, month: number, day: number): number {
  const monthKey = year * 12 + month;
  if (monthKey !== lastMonthKey) {
    lastMonthDays = daysBeforeMonth(year, month);
    lastMonthKey = monthKey;
  }
  return lastMonthDays + day;
}

/** Days from 1970-01-01 to the last day before a month (H. Hinnant's method). */
function daysBeforeMonth(year: number, month: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function special(text: string): Date | number {
  if (text === 'infinity') return Number.POSITIVE_INFINITY;
  if (text === '-infinity') return Number.NEGATIVE_INFINITY;
  return new Date(text);
}

const DASH = 45;
const PLUS = 43;
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const LETTER_T = 84;
const LETTER_Z = 90;
const ZERO = 48;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

function digitAt(text: string, at: number): number {
  return text.charCodeAt(at) - ZERO;
}

/** The two-digit number at `at`, or NaN. */
function twoDigits(text: string, at: number): number {
  const high = text.charCodeAt(at);
  const low = text.charCodeAt(at + 1);
  return isDigit(high) && isDigit(low) ? (high - ZERO) * 10 + (low - ZERO) : Number.NaN;
}

/**
 * A value bound to a `timestamptz` (`zone: 'utc'`) or `timestamp` (`zone: 'local'`, the wall
 * clock of this process's time zone, as node-postgres sends it) parameter, in the server's own
 * input format: years past 9999 and before 1 (`… BC`) included, which ISO 8601's extended
 * years (`+012000-…`, `-000199-…`) are not.
 */
export function formatTimestamp(value: unknown, zone: 'utc' | 'local'): string {
  if (value === Number.POSITIVE_INFINITY) return 'infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-infinity';
  if (typeof value === 'number') value = new Date(value);
  if (!(value instanceof Date)) return String(value);
  const utc = zone === 'utc';
  const fullYear = utc ? value.getUTCFullYear() : value.getFullYear();
  const year = fullYear < 1 ? 1 - fullYear : fullYear;
  const month = (utc ? value.getUTCMonth() : value.getMonth()) + 1;
  const day = utc ? value.getUTCDate() : value.getDate();
  const hour = utc ? value.getUTCHours() : value.getHours();
  const minute = utc ? value.getUTCMinutes() : value.getMinutes();
  const second = utc ? value.getUTCSeconds() : value.getSeconds();
  const millisecond = utc ? value.getUTCMilliseconds() : value.getMilliseconds();
  return (
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:` +
    `${pad(second, 2)}.${pad(millisecond, 3)}${utc ? '+00' : ''}${fullYear < 1 ? ' BC' : ''}`
  );
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

// Interval values are ISO 8601 durations, spelled as PostgreSQL's `iso_8601` IntervalStyle
// prints them (P1Y2M3DT4H5M6.5S, PT0S for zero), whatever style the session uses. node-postgres
// would parse an interval into an object and PGlite returns the session's text, so both
// drivers' text is converted here into that one form.

/** An ISO 8601 duration as PostgreSQL reads it: each field may carry a sign and a fraction. */
export const isoDurationText =
  /^P(?!$)(-?\d+(\.\d+)?Y)?(-?\d+(\.\d+)?M)?(-?\d+(\.\d+)?W)?(-?\d+(\.\d+)?D)?(T(?=-?\d)(-?\d+(\.\d+)?H)?(-?\d+(\.\d+)?M)?(-?\d+(\.\d+)?S)?)?$/;

/** The `postgres` IntervalStyle (the default): `1 year 2 mons -3 days +04:05:06.5`. */
const postgresStyle =
  /^(?:([+-]?\d+) years? ?)?(?:([+-]?\d+) mons? ?)?(?:([+-]?\d+) days? ?)?(?:([+-])?(\d+):(\d\d):(\d\d)(?:\.(\d+))?)?$/;

/**
 * An interval's text, as the server printed it, in ISO 8601 form. Text in the `iso_8601` style
 * passes unchanged; text in a style this does not know (sql_standard, postgres_verbose) too.
 *
 * @example
 * intervalToIso('1 day -02:00:00'); // 'P1DT-2H'
 */
export function intervalToIso(text: string): string {
  if (text.startsWith('P')) return text;
  const match = postgresStyle.exec(text);
  if (!match || text === '') return text;
  const [, years, months, days, timeSign, hours, minutes, seconds, fraction] = match;
  const negative = timeSign === '-';
  const signed = (digits: string | undefined) =>
    digits === undefined || Number(digits) === 0 ? '' : (negative ? '-' : '') + Number(digits);
  const datePart = part(years, 'Y') + part(months, 'M') + part(days, 'D');
  const fractionDigits = (fraction ?? '').replace(/0+$/, '');
  const secondsPart =
    Number(seconds ?? 0) !== 0 || fractionDigits !== ''
      ? (negative ? '-' : '') + Number(seconds) + (fractionDigits ? '.' + fractionDigits : '') + 'S'
      : '';
  const h = signed(hours);
  const m = signed(minutes);
  const timePart = (h ? h + 'H' : '') + (m ? m + 'M' : '') + secondsPart;
  if (datePart === '' && timePart === '') return 'PT0S';
  return 'P' + datePart + (timePart ? 'T' + timePart : '');
}

function part(digits: string | undefined, unit: string): string {
  return digits === undefined || Number(digits) === 0 ? '' : Number(digits) + unit;
}

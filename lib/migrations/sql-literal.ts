/**
 * A value written into DDL (a column default): DDL takes no parameters, so values are rendered
 * as literals here, and only here. Strings are quoted with doubled quotes; anything but
 * strings, finite numbers, booleans and null is refused.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot write ${value} as a SQL literal`);
    return String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new TypeError('SQL literals cannot contain NUL');
    return "'" + value.replace(/'/g, "''") + "'";
  }
  throw new TypeError(`Cannot write a ${typeof value} as a SQL default literal; use raw sql`);
}

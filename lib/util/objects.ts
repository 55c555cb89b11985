/**
 * Whether `value` is a plain object (`{}` or `Object.create(null)`): not an array, a Date, a
 * class instance or a `sql` fragment. Input checks branch on it to tell an object of fields or
 * operators from a value.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A lookup that ignores inherited keys: `__proto__` or `constructor` from request input are
 * never found in a table of operators or directions.
 */
export function own<V>(table: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * A copy of a mutable value (arrays, deeply, and Dates), so that whoever keeps it — a query, its
 * compiled statement — cannot be changed through a reference the caller still holds.
 */
export function ownCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ownCopy);
  if (value instanceof Date) return new Date(value.getTime());
  return value;
}

/**
 * Quotes an identifier for PostgreSQL: doubles embedded quotes and rejects NUL, which the
 * server would truncate at. Every table, column and alias name in compiled SQL passes here.
 *
 * @example
 * quoteIdentifier('user"s'); // "user""s"
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) {
    throw new TypeError('SQL identifiers must be non-empty and contain no NUL character');
  }
  // Most names hold no quote: they skip the regular expression (every statement quotes dozens).
  return '"' + (name.includes('"') ? name.replace(/"/g, '""') : name) + '"';
}

/**
 * A piece of SQL whose values are always sent as parameters. Made with the `sql` tag;
 * fragments nest, and `sql.id()` inserts a quoted identifier.
 *
 * @example
 * Post.where(sql`lower(title) = ${needle}`);
 */
export class SqlFragment {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

/** An identifier (table, column) to be quoted where it appears in a fragment. */
export class SqlIdentifier {
  constructor(readonly names: readonly string[]) {}
}

function sqlTag(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  return new SqlFragment(strings, values);
}

/**
 * The `sql` tagged template. Interpolated values become `$n` parameters; nested fragments
 * and `sql.id()` identifiers are inlined; `sql.join` joins fragments.
 *
 * @example
 * await orm.query(sql`select * from ${sql.id('users')} where id = ${id}`);
 */
export const sql = Object.assign(sqlTag, {
  /** A quoted identifier; `sql.id('public', 'users')` → `"public"."users"`. */
  id: (...names: string[]): SqlIdentifier => new SqlIdentifier(names),
  /** Joins fragments (or values, as parameters) with a separator, `, ` by default. */
  join: (items: readonly unknown[], separator = ', '): SqlFragment =>
    new SqlFragment(
      items.length === 0 ? [''] : ['', ...items.slice(1).map(() => separator), ''],
      items,
    ),
  /**
   * Trusted SQL text inserted verbatim. Never pass user input: it is not escaped.
   */
  unsafe: (text: string): SqlFragment => new SqlFragment([text], []),
});

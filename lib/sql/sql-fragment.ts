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

/**
 * Only a template literal's own strings are SQL: called as a function (`sql(text)` or
 * `sql([text])`), its argument could be built from input, and would run verbatim. The engine
 * freezes a template's strings array and gives it `raw`; a hand-made array has neither.
 */
function isTemplateStrings(strings: unknown): strings is TemplateStringsArray {
  return (
    Array.isArray(strings) &&
    Object.isFrozen(strings) &&
    Array.isArray((strings as { raw?: unknown }).raw) &&
    strings.every((part) => typeof part === 'string') &&
    (strings as unknown as { raw: unknown[] }).raw.length === strings.length
  );
}

function sqlTag(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  if (!isTemplateStrings(strings)) {
    throw new TypeError(
      'sql works only as a tag: sql`select … where id = ${id}` (values become parameters). ' +
        'For trusted SQL text, sql.unsafe(text); for identifiers, sql.id(name)',
    );
  }
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

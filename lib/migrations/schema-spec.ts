/** A column as the database has it (or should have it), in `format_type` spelling. */
export interface ColumnSpec {
  name: string;
  type: string;
  nullable: boolean;
  /** The default as SQL, normalized (casts and parentheses stripped); undefined when none. */
  default?: string;
  identity: boolean;
}

export interface ForeignKeySpec {
  name: string;
  columns: string[];
  table: string;
  refColumns: string[];
  onDelete?: 'CASCADE' | 'SET NULL' | 'RESTRICT';
}

/** One key of an index: a column or an expression, with a non-default operator class and order. */
export interface IndexKeySpec {
  column?: string;
  expression?: string;
  opclass?: string;
  order?: 'asc' | 'desc';
}

/** An index that is not a constraint's (those stay in `primaryKey` and `uniques`). */
export interface IndexSpec {
  name: string;
  unique: boolean;
  /** Access method: `btree`, `gin`, … */
  method: string;
  /** Each key as a column name or an expression's text, in order. */
  columns: string[];
  keys: IndexKeySpec[];
  /** A partial index's predicate. */
  where?: string;
  /**
   * The definition as PostgreSQL spells it (from its catalog), compared to tell whether a
   * declared index changed; undefined for a declared index PostgreSQL has not normalized.
   */
  definition?: string;
  /** False when a concurrent build failed and left the index unusable. */
  valid: boolean;
  /** For declared indexes: `@Index`/`@Unique`, or a `@BelongsTo` key's default index. */
  origin?: 'declared' | 'belongsTo';
}

export interface CheckSpec {
  name: string;
  /** The expression as declared, or as PostgreSQL gives it back (`pg_get_constraintdef`). */
  expression: string;
  /** `CHECK (…)` as PostgreSQL spells it; undefined when not normalized. */
  definition?: string;
  /** Created by a generated migration for a model's `@Check` (so dropping it is safe). */
  declared?: boolean;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  primaryKey: string[];
  /** Unique constraints and unique indexes (not partial), by columns. */
  uniques: Array<{ name: string; columns: string[] }>;
  foreignKeys: ForeignKeySpec[];
  indexes: IndexSpec[];
  checks: CheckSpec[];
}

export interface SchemaSpec {
  tables: Map<string, TableSpec>;
  enums: Map<string, string[]>;
}

/** `'draft'::posts_status` → `'draft'`, `(0)` → `0`, `TRUE` → `true`: comparable defaults. */
export function normalizeDefault(expression: string | null | undefined): string | undefined {
  if (expression === null || expression === undefined) return undefined;
  let text = expression.trim();
  for (;;) {
    const before = text;
    text = text.replace(/::[a-z_][a-z0-9_ ]*(\(\d+(,\s*\d+)?\))?(\[\])?$|::"[^"]+"(\[\])?$/i, '');
    if (/^\(.*\)$/s.test(text) && !/^\(.*\)\s*\(/.test(text)) text = text.slice(1, -1);
    if (text === before) break;
  }
  if (/^(true|false)$/i.test(text)) return text.toLowerCase();
  const quotedNumber = /^'(-?\d+(\.\d+)?)'$/.exec(text);
  if (quotedNumber) return quotedNumber[1];
  return text;
}

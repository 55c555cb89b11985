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

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  primaryKey: string[];
  /** Unique constraints and unique indexes (not partial), by columns. */
  uniques: Array<{ name: string; columns: string[] }>;
  foreignKeys: ForeignKeySpec[];
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

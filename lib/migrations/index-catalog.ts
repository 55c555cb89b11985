import { sql, type SqlFragment } from '../sql/sql-fragment';
import type { CheckSpec, IndexKeySpec, IndexSpec } from './schema-spec';

/** Sends a fragment and resolves to its rows (on the pool, or on one session). */
export type CatalogQuery = <Row>(fragment: SqlFragment) => Promise<Row[]>;

/** The comment a generated migration puts on the checks it creates for a model's `@Check`. */
export const declaredCheckComment = 'nest-ar: declared by a model';

interface IndexRow {
  table: string;
  name: string;
  unique: boolean;
  valid: boolean;
  method: string;
  columns: Array<string | null>;
  key_texts: string[];
  opclasses: Array<string | null>;
  options: number[];
  included: number;
  predicate: string | null;
}

/**
 * One text per index that changes exactly when PostgreSQL would build a different index: every
 * part is read back from the catalog (expressions and predicates as PostgreSQL prints them).
 */
function definitionOf(row: IndexRow): string {
  const keys = row.key_texts.map((text, i) => {
    const option = row.options[i] ?? 0;
    let key = text;
    if (row.opclasses[i]) key += ` ${row.opclasses[i]}`;
    if (option & 1) key += ' DESC';
    // NULLS FIRST is the default of DESC, NULLS LAST of ASC: only the other one is spelled.
    if (option & 2 && !(option & 1)) key += ' NULLS FIRST';
    if (!(option & 2) && option & 1) key += ' NULLS LAST';
    return key;
  });
  return (
    `${row.unique ? 'UNIQUE ' : ''}USING ${row.method} (${keys.join(', ')})` +
    (row.included ? ` INCLUDE ${row.included}` : '') +
    (row.predicate ? ` WHERE ${row.predicate}` : '')
  );
}

/**
 * The indexes of the tables `tables` selects (a condition on `t`, the table's pg_class row)
 * that no constraint owns: primary keys and unique constraints are read elsewhere.
 */
export async function readIndexes(
  query: CatalogQuery,
  tables: SqlFragment,
): Promise<Array<IndexSpec & { table: string }>> {
  const rows = await query<IndexRow>(sql`
    SELECT t.relname::text AS table, i.relname::text AS name, ix.indisunique AS unique,
      ix.indisvalid AS valid, am.amname::text AS method,
      ARRAY(SELECT a.attname::text FROM generate_series(1, ix.indnkeyatts::int) k(n)
            LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ix.indkey[k.n - 1]
              AND ix.indkey[k.n - 1] <> 0
            ORDER BY k.n) AS columns,
      ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k.n, true) FROM generate_series(1, ix.indnkeyatts::int) k(n)
            ORDER BY k.n) AS key_texts,
      ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL ELSE oc.opcname::text END
            FROM generate_series(1, ix.indnkeyatts::int) k(n)
            JOIN pg_opclass oc ON oc.oid = ix.indclass[k.n - 1]
            ORDER BY k.n) AS opclasses,
      ARRAY(SELECT ix.indoption[k.n - 1]::int FROM generate_series(1, ix.indnkeyatts::int) k(n)
            ORDER BY k.n) AS options,
      (ix.indnatts - ix.indnkeyatts)::int AS included,
      pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_am am ON am.oid = i.relam
    WHERE ${tables} AND NOT ix.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid
                      AND con.contype IN ('p', 'u', 'x'))
    ORDER BY t.relname, i.relname`);
  return rows.map((row) => {
    const keys = row.key_texts.map((text, i): IndexKeySpec => {
      const option = row.options[i] ?? 0;
      const column = row.columns[i];
      return {
        ...(column ? { column } : { expression: text }),
        ...(row.opclasses[i] ? { opclass: row.opclasses[i]! } : {}),
        ...(option & 1 ? { order: 'desc' as const } : {}),
      };
    });
    return {
      table: row.table,
      name: row.name,
      unique: row.unique,
      method: row.method,
      columns: keys.map((k) => k.column ?? k.expression!),
      keys,
      where: row.predicate ?? undefined,
      definition: definitionOf(row),
      valid: row.valid,
    };
  });
}

/** The CHECK constraints of the tables `tables` selects (a condition on `t`). */
export async function readChecks(
  query: CatalogQuery,
  tables: SqlFragment,
): Promise<Array<CheckSpec & { table: string }>> {
  const rows = await query<{
    table: string;
    name: string;
    definition: string;
    comment: string | null;
  }>(sql`
    SELECT t.relname::text AS table, con.conname::text AS name,
      pg_get_constraintdef(con.oid, true) AS definition,
      obj_description(con.oid, 'pg_constraint') AS comment
    FROM pg_constraint con
    JOIN pg_class t ON t.oid = con.conrelid
    WHERE ${tables} AND con.contype = 'c'
    ORDER BY t.relname, con.conname`);
  return rows.map((row) => ({
    table: row.table,
    name: row.name,
    expression: /^CHECK \((.*)\)( NOT VALID)?$/s.exec(row.definition)?.[1] ?? row.definition,
    definition: row.definition,
    declared: row.comment === declaredCheckComment,
  }));
}

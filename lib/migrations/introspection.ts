import type { Orm } from '../connection/orm';
import { sql } from '../sql/sql-fragment';
import { readChecks, readIndexes, type CatalogQuery } from './index-catalog';
import { normalizeDefault, type SchemaSpec, type TableSpec } from './schema-spec';

const onDeleteActions: Record<string, 'CASCADE' | 'SET NULL' | 'RESTRICT' | undefined> = {
  c: 'CASCADE',
  n: 'SET NULL',
  r: 'RESTRICT',
};

/**
 * Reads the tables, columns, keys, unique indexes, other indexes, checks and enums of the
 * current schema (pg_catalog).
 */
export async function introspectSchema(
  orm: Orm,
  ignore: readonly string[] = [],
): Promise<SchemaSpec> {
  const tables = new Map<string, TableSpec>();
  const table = (name: string) => {
    let spec = tables.get(name);
    if (!spec) {
      spec = {
        name,
        columns: [],
        primaryKey: [],
        uniques: [],
        foreignKeys: [],
        indexes: [],
        checks: [],
      };
      tables.set(name, spec);
    }
    return spec;
  };
  const columns = await orm.query<{
    table: string;
    name: string;
    type: string;
    not_null: boolean;
    default: string | null;
    identity: string;
  }>(sql`
    SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
           a.attidentity::text AS identity
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0
      AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`);
  for (const column of columns) {
    if (ignore.includes(column.table)) continue;
    table(column.table).columns.push({
      name: column.name,
      type: column.type,
      nullable: !column.not_null,
      default: normalizeDefault(column.default),
      identity: column.identity !== '',
    });
  }
  const constraints = await orm.query<{
    name: string;
    table: string;
    kind: string;
    columns: string[];
    ref_table: string | null;
    ref_columns: string[] | null;
    on_delete: string;
  }>(sql`
    SELECT con.conname AS name, rel.relname AS table, con.contype::text AS kind,
      ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
            ORDER BY k.ord) AS columns,
      frel.relname::text AS ref_table,
      ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
            ORDER BY k.ord) AS ref_columns,
      con.confdeltype::text AS on_delete
    FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = rel.relnamespace
    LEFT JOIN pg_class frel ON frel.oid = con.confrelid
    WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f')
    ORDER BY con.conname`);
  for (const c of constraints) {
    if (ignore.includes(c.table)) continue;
    const spec = table(c.table);
    if (c.kind === 'p') spec.primaryKey = c.columns;
    else if (c.kind === 'u') spec.uniques.push({ name: c.name, columns: c.columns });
    else {
      spec.foreignKeys.push({
        name: c.name,
        columns: c.columns,
        table: c.ref_table!,
        refColumns: c.ref_columns ?? [],
        onDelete: onDeleteActions[c.on_delete],
      });
    }
  }
  const indexes = await orm.query<{ table: string; name: string; columns: string[] }>(sql`
    SELECT t.relname AS table, i.relname AS name,
      ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            ORDER BY k.ord) AS columns
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND ix.indisunique AND NOT ix.indisprimary
      AND ix.indpred IS NULL
      AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid)`);
  for (const index of indexes) {
    if (ignore.includes(index.table)) continue;
    table(index.table).uniques.push({ name: index.name, columns: index.columns });
  }
  const query: CatalogQuery = (fragment) => orm.query(fragment);
  const inSchema = sql`t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
    AND t.relkind IN ('r', 'p')`;
  for (const { table: name, ...index } of await readIndexes(query, inSchema)) {
    if (!ignore.includes(name)) table(name).indexes.push(index);
  }
  for (const { table: name, ...check } of await readChecks(query, inSchema)) {
    if (!ignore.includes(name)) table(name).checks.push(check);
  }
  const enums = await orm.query<{ name: string; labels: string[] }>(sql`
    SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema()
    GROUP BY t.typname`);
  return { tables, enums: new Map(enums.map((e) => [e.name, e.labels])) };
}

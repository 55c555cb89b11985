import type { Orm } from '../../connection/orm';
import { sql } from '../../sql/sql-fragment';

/** A domain of the current schema: the type it is based on and its own checks. */
export interface DomainInfo {
  /** As `format_type` spells the domain (how columns of the domain are typed). */
  name: string;
  /** The base type, in `format_type` spelling. */
  baseType: string;
  checks: Array<{ name: string; expression: string }>;
}

/**
 * What the current schema holds besides tables, keys, indexes and checks (those come from
 * `introspectSchema`, as `migration:generate` sees them): the objects models cannot describe,
 * and the facts needed to map columns (domains) and to leave partitions out.
 */
export interface SchemaCatalog {
  views: string[];
  materializedViews: string[];
  /** `name(argument types)`, with their kind (function, procedure, aggregate, window). */
  functions: Array<{ signature: string; kind: string }>;
  triggers: Array<{ table: string; name: string }>;
  /** Partitions, with the partitioned table they belong to. */
  partitions: Array<{ table: string; parent: string }>;
  domains: Map<string, DomainInfo>;
  /** Sequences no column owns (a serial or identity column owns its own). */
  freeSequences: string[];
  /** Composite, range and base types defined in the schema (enums and domains are mapped). */
  customTypes: Array<{ name: string; kind: string }>;
  /** Table comments, for the class's doc comment. */
  tableComments: Map<string, string>;
  /** Column comments by table, then column. */
  columnComments: Map<string, Map<string, string>>;
}

const functionKinds: Record<string, string> = {
  f: 'function',
  p: 'procedure',
  a: 'aggregate',
  w: 'window function',
};

const typeKinds: Record<string, string> = { c: 'composite type', r: 'range type', b: 'base type' };

/** Reads the catalog facts `db:pull` needs beyond `introspectSchema`, for the current schema. */
export async function readSchemaCatalog(orm: Orm): Promise<SchemaCatalog> {
  const relations = await orm.query<{ name: string; kind: string }>(sql`
    SELECT c.relname::text AS name, c.relkind::text AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm')
    ORDER BY c.relname`);
  const functions = await orm.query<{ signature: string; kind: string }>(sql`
    SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature,
           p.prokind::text AS kind
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    ORDER BY 1`);
  const triggers = await orm.query<{ table: string; name: string }>(sql`
    SELECT c.relname::text AS table, t.tgname::text AS name
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND NOT t.tgisinternal
    ORDER BY c.relname, t.tgname`);
  const partitions = await orm.query<{ table: string; parent: string }>(sql`
    SELECT c.relname::text AS table, p.relname::text AS parent
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relispartition
    ORDER BY c.relname`);
  const domains = await orm.query<{
    name: string;
    base_type: string;
    check_names: string[];
    check_expressions: string[];
  }>(sql`
    SELECT format_type(t.oid, NULL) AS name,
           format_type(t.typbasetype, t.typtypmod) AS base_type,
           ARRAY(SELECT con.conname::text FROM pg_constraint con
                 WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.conname)
             AS check_names,
           ARRAY(SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con
                 WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.conname)
             AS check_expressions
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema() AND t.typtype = 'd'`);
  const sequences = await orm.query<{ name: string }>(sql`
    SELECT c.relname::text AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'S'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass
                        AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i'))
    ORDER BY c.relname`);
  const types = await orm.query<{ name: string; kind: string }>(sql`
    SELECT format_type(t.oid, NULL) AS name, t.typtype::text AS kind
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_class c ON c.oid = t.typrelid
    WHERE n.nspname = current_schema() AND t.typtype IN ('c', 'r', 'b')
      AND (t.typtype <> 'c' OR c.relkind = 'c')
      AND (t.typtype <> 'b' OR t.typcategory <> 'A')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
    ORDER BY 1`);
  const comments = await orm.query<{ table: string; column: string | null; comment: string }>(sql`
    SELECT c.relname::text AS table, a.attname::text AS column, d.description AS comment
    FROM pg_description d
    JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`);
  const tableComments = new Map<string, string>();
  const columnComments = new Map<string, Map<string, string>>();
  for (const { table, column, comment } of comments) {
    if (column === null) tableComments.set(table, comment);
    else {
      if (!columnComments.has(table)) columnComments.set(table, new Map());
      columnComments.get(table)!.set(column, comment);
    }
  }
  return {
    views: relations.filter((r) => r.kind === 'v').map((r) => r.name),
    materializedViews: relations.filter((r) => r.kind === 'm').map((r) => r.name),
    functions: functions.map((f) => ({
      signature: f.signature,
      kind: functionKinds[f.kind] ?? 'function',
    })),
    triggers,
    partitions,
    domains: new Map(
      domains.map((d) => [
        d.name,
        {
          name: d.name,
          baseType: d.base_type,
          checks: d.check_names.map((name, i) => ({
            name,
            expression: d.check_expressions[i]!,
          })),
        },
      ]),
    ),
    freeSequences: sequences.map((s) => s.name),
    customTypes: types.map((t) => ({ name: t.name, kind: typeKinds[t.kind] ?? 'type' })),
    tableComments,
    columnComments,
  };
}

import type { Orm } from '../connection/orm';
import { quoteIdentifier as q } from '../sql/quote-identifier';
import { compileStatement } from '../sql/query-compiler';
import { sql, type SqlFragment } from '../sql/sql-fragment';
import { readChecks, readIndexes, type CatalogQuery } from './index-catalog';
import { checkedType, SchemaBuilder, type IndexKey } from './schema-builder';
import type { IndexSpec, SchemaSpec, TableSpec } from './schema-spec';

/** A declared index as `createIndex` keys. */
export function indexKeysOf(index: IndexSpec): IndexKey[] {
  return index.keys.map((k) => {
    const extra = {
      ...(k.opclass ? { opclass: k.opclass } : {}),
      ...(k.order === 'desc' ? { order: 'desc' as const } : {}),
    };
    if (k.expression !== undefined) return { sql: k.expression, ...extra };
    return Object.keys(extra).length ? { column: k.column!, ...extra } : k.column!;
  });
}

/**
 * Fills in `definition` of the indexes and checks the models declare on tables that exist, as
 * PostgreSQL itself spells them: each is built on an empty temporary table with the columns the
 * models declare, read back from the catalog the same way as the live ones, and rolled back.
 * PostgreSQL rewrites what it stores (`price >= 0` → `price >= 0::numeric`), so only its own
 * spelling compares exactly. A declaration that does not build (a column the migration has yet
 * to add) keeps no definition, and counts as changed.
 */
export async function normalizeDeclared(
  orm: Orm,
  current: SchemaSpec,
  desired: SchemaSpec,
): Promise<void> {
  const tables = [...desired.tables.values()].filter(
    (t) => current.tables.has(t.name) && (t.indexes.length > 0 || t.checks.length > 0),
  );
  if (tables.length === 0) return;
  const session = await orm.driver.acquire();
  const run = (text: string) => orm.executeOn(session, { text, values: [] });
  const query: CatalogQuery = async <Row>(fragment: SqlFragment) =>
    (await orm.executeOn<Row>(session, compileStatement(fragment))).rows;
  /** Runs a statement that may fail without failing the probe's transaction. */
  const attempt = async (text: string): Promise<boolean> => {
    await run('SAVEPOINT nest_ar_probe');
    try {
      await run(text);
      await run('RELEASE SAVEPOINT nest_ar_probe');
      return true;
    } catch {
      await run('ROLLBACK TO SAVEPOINT nest_ar_probe');
      return false;
    }
  };
  let healthy = true;
  try {
    await run('BEGIN');
    try {
      for (const [n, table] of tables.entries()) await probe(table, `nest_ar_probe_${n}`);
    } finally {
      await run('ROLLBACK').catch(() => {
        healthy = false;
      });
    }
  } finally {
    session.release(!healthy);
  }

  async function probe(table: TableSpec, probeTable: string): Promise<void> {
    const columns = table.columns.flatMap((column) => {
      try {
        return [`${q(column.name)} ${checkedType(column.type)}`];
      } catch {
        return [];
      }
    });
    // One statement for all columns; when a type does not exist yet (an enum the migration
    // creates), column by column, leaving that one out.
    if (!(await attempt(`CREATE TEMP TABLE ${q(probeTable)} (${columns.join(', ')})`))) {
      await run(`CREATE TEMP TABLE ${q(probeTable)} ()`);
      for (const column of columns)
        await attempt(`ALTER TABLE ${q(probeTable)} ADD COLUMN ${column}`);
    }
    const probeNames = new Map<string, IndexSpec>();
    for (const [i, index] of table.indexes.entries()) {
      const builder = new SchemaBuilder();
      const name = `${probeTable}_${i}`;
      try {
        builder.createIndex(probeTable, indexKeysOf(index), {
          name,
          unique: index.unique,
          using: index.method as 'btree',
          where: index.where,
        });
      } catch {
        continue;
      }
      if (await attempt(builder.statements[0]!)) probeNames.set(name, index);
    }
    for (const check of table.checks) {
      await attempt(
        `ALTER TABLE ${q(probeTable)} ADD CONSTRAINT ${q(check.name)} CHECK (${check.expression})`,
      );
    }
    const where = sql`t.oid = ${`pg_temp.${q(probeTable)}`}::regclass`;
    for (const built of await readIndexes(query, where)) {
      const index = probeNames.get(built.name);
      if (index) index.definition = built.definition;
    }
    for (const built of await readChecks(query, where)) {
      const check = table.checks.find((c) => c.name === built.name);
      if (check) check.definition = built.definition;
    }
  }
}

import { Client } from 'pg';

let schemaCounter = 0;

/**
 * Whether DATABASE_URL is PgBouncer in transaction pooling mode (`?pgbouncer=true`): it passes
 * no `options` and keeps no session `search_path`, so each test file gets a database of its
 * own there (PgBouncer's `*` entry reaches any database of the server) instead of a schema.
 */
export function throughPgBouncer(url = process.env.DATABASE_URL): boolean {
  return !!url && new URL(url).searchParams.get('pgbouncer') === 'true';
}

async function asAdmin(statement: string): Promise<void> {
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A new schema (or database, through PgBouncer) on the server named by DATABASE_URL, private to this test file. */
export async function createSchema(): Promise<string> {
  const schemaName = `test_${process.pid}_${Date.now()}_${++schemaCounter}`;
  await asAdmin(
    throughPgBouncer() ? `CREATE DATABASE "${schemaName}"` : `CREATE SCHEMA "${schemaName}"`,
  );
  return schemaName;
}

export async function dropSchema(schemaName: string): Promise<void> {
  await asAdmin(
    throughPgBouncer()
      ? // Its pooled server connections are still open: FORCE ends them.
        `DROP DATABASE "${schemaName}" WITH (FORCE)`
      : `DROP SCHEMA "${schemaName}" CASCADE`,
  );
}

/** A URL whose connections use a private schema (or database), so parallel test files never collide. */
export function schemaUrl(base: string, schema: string): string {
  const url = new URL(base);
  if (throughPgBouncer(base)) url.pathname = `/${schema}`;
  else url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

import { Client } from 'pg';

let schemaCounter = 0;

/** A new schema on the server named by DATABASE_URL, private to this test file. */
export async function createSchema(): Promise<string> {
  const schemaName = `test_${process.pid}_${Date.now()}_${++schemaCounter}`;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schemaName}"`);
  await admin.end();
  return schemaName;
}

export async function dropSchema(schemaName: string): Promise<void> {
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA "${schemaName}" CASCADE`);
  await admin.end();
}

/** A URL whose connections use a private schema, so parallel test files never collide. */
export function schemaUrl(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

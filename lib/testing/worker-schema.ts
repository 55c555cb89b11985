import { Client } from 'pg';
import { OrmError } from '../errors/orm-error';

/** The schema of one test worker on a server, and the URL whose connections use it. */
export interface WorkerSchema {
  readonly schema: string;
  readonly url: string;
}

/**
 * Parallel test workers (jest's, vitest's) on one server each get a schema of their own, so
 * their migrations and rows never meet: `DATABASE_URL` with `search_path` set to
 * `test_worker_<id>`. Undefined outside a worker, without a URL, or when the URL already
 * chooses a `search_path` (the app's own choice wins). A url to PgBouncer (`?pgbouncer=true`)
 * is refused: it passes no `search_path`, and the workers would share one schema.
 */
export function workerSchemaFor(
  url: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): WorkerSchema | undefined {
  const worker = env.VITEST_POOL_ID ?? env.JEST_WORKER_ID;
  if (!url || !worker || !/^\d{1,6}$/.test(worker)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) return undefined;
  if (parsed.searchParams.get('pgbouncer') === 'true') {
    throw new OrmError(
      'TESTING_THROUGH_PGBOUNCER',
      'nestjs-active-record/testing gives each test worker a schema of its own through ' +
        'search_path, which PgBouncer in transaction pooling mode does not keep: point the ' +
        "tests' DATABASE_URL at the PostgreSQL server itself (tests need no pooler)",
    );
  }
  const options = parsed.searchParams.get('options') ?? '';
  if (/search_path/i.test(options)) return undefined;
  const schema = `test_worker_${worker}`;
  parsed.searchParams.set('options', `${options} -c search_path=${schema}`.trim());
  return { schema, url: parsed.toString() };
}

/** Creates the worker's schema when it does not exist yet (workers start concurrently). */
export async function createWorkerSchema(serverUrl: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    // The name is `test_worker_<digits>`: checked above, quoted anyway.
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
  } catch (error) {
    // Two workers creating it at once: one wins, the other sees a duplicate; both have it.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}

// The set-up file an app's jest or vitest config names, loaded as the runner loads it: first.
import '../../lib/testing/setup';
import { Client } from 'pg';
import { Orm, PgliteDriver, sql } from '../../lib';
import { workerSchemaFor } from '../../lib/testing/worker-schema';

const serverUrlBefore = process.env.DATABASE_URL;

describe('the set-up file on embedded PostgreSQL', () => {
  let orm: Orm;
  beforeAll(async () => {
    orm = await Orm.connect({ driver: new PgliteDriver(), models: [] });
    await orm.query(sql`create table visits (at text)`);
  });
  afterAll(() => orm.close());

  it('runs the first test in a transaction', async () => {
    await orm.query(sql`insert into visits values ('first')`);
    expect(await orm.query(sql`select at from visits`)).toEqual([{ at: 'first' }]);
  });

  it('rolled the first test back before the second', async () => {
    expect(await orm.query(sql`select at from visits`)).toEqual([]);
  });
});

describe('a schema per test worker on a server', () => {
  it('points DATABASE_URL at the worker schema, keeping what the URL already chose', () => {
    const env = { JEST_WORKER_ID: '3' };
    const url = workerSchemaFor('postgres://u@h:5432/app', env)!;
    expect(url.schema).toBe('test_worker_3');
    expect(new URL(url.url).searchParams.get('options')).toBe('-c search_path=test_worker_3');
    expect(
      workerSchemaFor('postgres://u@h/app?options=-c%20search_path%3Dmine', env),
    ).toBeUndefined();
    expect(workerSchemaFor('postgres://u@h/app', {})).toBeUndefined();
    expect(workerSchemaFor('postgres://u@h/app', { JEST_WORKER_ID: '1; drop' })).toBeUndefined();
    expect(workerSchemaFor(undefined, env)).toBeUndefined();
  });

  it('refuses a url to PgBouncer, naming the fix', () => {
    expect(() =>
      workerSchemaFor('postgres://u@h:6432/app?pgbouncer=true', { JEST_WORKER_ID: '1' }),
    ).toThrow(/point the tests' DATABASE_URL at the PostgreSQL server itself/);
  });

  if (!serverUrlBefore) return;
  const admin = () => new Client({ connectionString: serverUrlBefore });

  it("gives this worker's connections its own schema, created before the tests", async () => {
    const worker = process.env.JEST_WORKER_ID!;
    expect(process.env.DATABASE_URL).toContain(`search_path%3Dtest_worker_${worker}`);
    const orm = await Orm.connect({ url: process.env.DATABASE_URL, models: [] });
    try {
      const [row] = await orm.query<{ schema: string }>(sql`select current_schema() as schema`);
      expect(row!.schema).toBe(`test_worker_${worker}`);
    } finally {
      await orm.close();
    }
    const client = admin();
    await client.connect();
    const { rows } = await client.query(
      `select 1 from pg_namespace where nspname = 'test_worker_${worker}'`,
    );
    await client.end();
    expect(rows).toHaveLength(1);
  });
});

import 'reflect-metadata';
import { createSchema, dropSchema, schemaUrl, throughPgBouncer } from './server-schema';
import { Orm, PgDriver, PgliteDriver, sql, type OrmOptions, type QueryEvent } from '../../lib';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The databases every integration test runs on: PGlite always, the server when configured.
 * `TEST_DATABASES=postgres` runs the server half only (the suite through PgBouncer).
 */
export const databaseKinds: DatabaseKind[] = chosenKinds(
  process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'],
);

function chosenKinds(available: DatabaseKind[]): DatabaseKind[] {
  const chosen = process.env.TEST_DATABASES;
  if (!chosen) return available;
  const kinds = chosen.split(',').map((k) => k.trim());
  for (const kind of kinds) {
    if (!available.includes(kind as DatabaseKind)) {
      throw new Error(`TEST_DATABASES names ${kind}, not one of ${available.join(', ')}`);
    }
  }
  return kinds as DatabaseKind[];
}

export interface TestDatabase {
  readonly kind: DatabaseKind;
  readonly orm: Orm;
  /** Statements sent since the last `resetQueries()` (through onQuery). */
  readonly queries: QueryEvent[];
  resetQueries(): void;
  /** Runs DDL or other trusted SQL, statement by statement. */
  exec(statements: string): Promise<void>;
  /** A URL to a private schema on the server (postgres only), for extra connections. */
  readonly url?: string;
}

/**
 * Declares tests that need the PostgreSQL server (concurrency, locks, pools). They exist only
 * when DATABASE_URL is set; `url()` points at a private schema dropped after the tests.
 */
export function describeOnServer(title: string, fn: (url: () => string) => void): void {
  if (!process.env.DATABASE_URL) return;
  describe(`${title} [postgres]`, () => {
    let schemaName: string | undefined;
    let url: string | undefined;
    beforeAll(async () => {
      schemaName = await createSchema();
      url = schemaUrl(process.env.DATABASE_URL!, schemaName);
    });
    afterAll(async () => {
      if (schemaName) await dropSchema(schemaName);
    });
    fn(() => {
      if (!url) throw new Error('The server schema is not created yet');
      return url;
    });
  });
}

/**
 * Declares `fn`'s tests once per database. Each database gets a fresh schema with `schema`
 * applied before the tests and dropped after them.
 *
 * @example
 * describeEachDatabase('crud', { models: [User], schema: 'create table users (…)' }, (db) => { it(…) });
 */
export function describeEachDatabase(
  title: string,
  setup: {
    models: NonNullable<OrmOptions['models']>;
    schema: string;
    options?: Partial<OrmOptions>;
  },
  fn: (db: () => TestDatabase) => void,
): void {
  for (const kind of databaseKinds) {
    describe(`${title} [${kind}]`, () => {
      let current: TestDatabase | undefined;
      let schemaName: string | undefined;

      beforeAll(async () => {
        const queries: QueryEvent[] = [];
        let url: string | undefined;
        let driver;
        if (kind === 'postgres') {
          schemaName = await createSchema();
          url = schemaUrl(process.env.DATABASE_URL!, schemaName);
          driver = new PgDriver(url, { max: 5 });
        } else {
          driver = new PgliteDriver();
        }
        const orm = await Orm.connect({
          ...setup.options,
          driver,
          models: setup.models,
          onQuery: (e) => queries.push(e),
        });
        const exec = async (statements: string): Promise<void> => {
          for (const statement of statements.split(/;\s*(?:\n|$)/)) {
            if (statement.trim()) await orm.query(sql.unsafe(statement));
          }
        };
        await exec(setup.schema);
        current = {
          kind,
          orm,
          queries,
          url,
          exec,
          resetQueries: () => queries.splice(0, queries.length),
        };
        queries.length = 0;
      });

      afterAll(async () => {
        await current?.orm.close();
        if (schemaName) await dropSchema(schemaName);
      });

      fn(() => {
        if (!current) throw new Error('The test database is not open yet');
        return current;
      });
    });
  }
}

/**
 * A test of a session feature (a setting made at connect, one backend kept between
 * statements). Through PgBouncer in transaction pooling mode there is no such session: there
 * it is skipped, and its title says why.
 */
export function itOnSession(title: string, reason: string, fn: jest.ProvidesCallback): void {
  if (throughPgBouncer()) it.skip(`${title} (not through PgBouncer: ${reason})`, fn);
  else it(title, fn);
}

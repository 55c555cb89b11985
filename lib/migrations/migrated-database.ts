import { resolve } from 'node:path';
import { Orm } from '../connection/orm';
import { OrmError } from '../errors/orm-error';
import type { OrmOptions } from '../connection/orm-options';
import { PgliteDriver } from '../driver/pglite-driver';
import { PgliteSnapshotCache } from '../driver/pglite-snapshot-cache';
import { migrationsIn } from './migration-files';
import { Migrator, type MigrationsOptions } from './migrator';

/** How the migrated database was opened. */
export interface MigratedConnection {
  orm: Orm;
  /** Migrations applied now (none when the database came from a snapshot). */
  applied: string[];
  /** Whether the database started from a snapshot taken after the same migrations ran. */
  fromSnapshot: boolean;
}

export interface MigratedDatabaseOptions extends MigrationsOptions {
  /**
   * A direct url to the server for the migrations, when the app's `url` goes through a
   * pooler such as PgBouncer: they run on a connection of their own to it, closed once they
   * are applied, and the app's connection opens on `url` after.
   */
  url?: string;
  /**
   * Where migrated in-memory databases are kept between runs (default: the temp folder);
   * `false` applies the migrations on every start.
   */
  snapshotCache?: PgliteSnapshotCache | false;
}

/** An in-memory embedded database: no url, driver or folder of its own. */
export function isInMemoryDatabase(options: OrmOptions): boolean {
  return (
    !options.url && !options.driver && (!options.dataDir || options.dataDir.startsWith('memory://'))
  );
}

let sharedCache: PgliteSnapshotCache | undefined;

/**
 * Opens a connection and applies the pending migrations of a folder. For an in-memory embedded
 * database, the migrated data directory is kept (by the names and checksums of the migration
 * files): the next start with the same files loads it in a fraction of the time migrating
 * takes — what makes a fresh database per test file, or per app boot in a test, cheap. Any
 * change to a migration file is a new key, so a stale schema is never loaded. What the
 * migrations wrote (seed rows included) is in the copy as it was when they ran.
 *
 * @example
 * const { orm } = await connectMigrated({ models: [User] }, { directory: 'src/migrations' });
 */
export async function connectMigrated(
  connection: OrmOptions,
  migrations: MigratedDatabaseOptions = {},
): Promise<MigratedConnection> {
  const { snapshotCache, url: directUrl, ...migratorOptions } = migrations;
  if (directUrl) return migrateDirectly(connection, directUrl, migratorOptions);
  const cache =
    snapshotCache === false || !isInMemoryDatabase(connection)
      ? undefined
      : (snapshotCache ?? (sharedCache ??= new PgliteSnapshotCache()));
  const key = cache ? await migrationsKey(migratorOptions) : undefined;
  const snapshot = key ? await cache!.load(key).catch(() => undefined) : undefined;
  if (snapshot) {
    const fromSnapshot = await openFromSnapshot(connection, migratorOptions, snapshot);
    if (fromSnapshot) return fromSnapshot;
    await cache!.forget(key!).catch(() => undefined);
  }
  const orm = await Orm.connect(connection, { announce: false });
  try {
    const applied = await new Migrator(orm, migratorOptions).migrate();
    if (key && orm.driver instanceof PgliteDriver) {
      await cache!.save(key, await orm.driver.snapshot());
    }
    await orm.announce();
    return { orm, applied, fromSnapshot: false };
  } catch (error) {
    await orm.close();
    throw error;
  }
}

/** Applies the migrations through `directUrl`, then opens the app's connection. */
async function migrateDirectly(
  connection: OrmOptions,
  directUrl: string,
  migrations: MigrationsOptions,
): Promise<MigratedConnection> {
  if (!connection.url) {
    throw new OrmError(
      'INVALID_OPTIONS',
      'migrations.url is a direct url to the server the app reaches through its own url (past ' +
        'a pooler): give the app a url too, or leave migrations.url out',
    );
  }
  const migrating = await Orm.connect(
    {
      url: directUrl,
      models: connection.models,
      naming: connection.naming,
      pool: { ...connection.pool, pgbouncer: undefined, max: 2 },
      name: `${connection.name ?? 'default'}:migrations`,
      nPlusOne: false,
    },
    { announce: false },
  );
  let applied: string[];
  try {
    applied = await new Migrator(migrating, migrations).migrate();
  } finally {
    await migrating.close();
  }
  return { orm: await Orm.connect(connection), applied, fromSnapshot: false };
}

/** The migrated copy, checked by the runner (nothing pending); undefined when it won't load. */
async function openFromSnapshot(
  connection: OrmOptions,
  migrations: MigrationsOptions,
  snapshot: Blob,
): Promise<MigratedConnection | undefined> {
  let orm: Orm;
  try {
    orm = await Orm.connect(
      {
        ...connection,
        driver: new PgliteDriver({ snapshot, acquireTimeoutMs: connection.pool?.acquireTimeoutMs }),
      },
      { announce: false },
    );
  } catch {
    return undefined;
  }
  try {
    const applied = await new Migrator(orm, migrations).migrate();
    await orm.announce();
    return { orm, applied, fromSnapshot: true };
  } catch (error) {
    await orm.close();
    throw error;
  }
}

/** What the migrated schema depends on: the bookkeeping table and each file's name and text. */
async function migrationsKey(options: MigrationsOptions): Promise<string> {
  const sources = await migrationsIn(resolve(options.directory ?? 'migrations'));
  return [
    'migrated',
    options.table ?? 'schema_migrations',
    ...sources.map((source) => `${source.name} ${source.checksum}`),
  ].join('\n');
}

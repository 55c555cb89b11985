import type { RequestMethod } from '@nestjs/common';
import type { MigratedDatabaseOptions } from '../../migrations/migrated-database';
import type { OrmOptions } from '../../connection/orm-options';

/** A route, as Nest's `MiddlewareConsumer.exclude()` takes it: `'health'`, or path and method. */
export type ExcludedRoute = string | { path: string; method: RequestMethod };

/**
 * Where the request context (identity map, unit of work, N+1 counts) is opened: `true` (the
 * default) for every HTTP route, `false` for none (microservices, CLI apps, or an app that
 * calls `runInContext` itself), or every route but those in `exclude`.
 */
export type RequestContextOption = boolean | { exclude?: ExcludedRoute[] };

/**
 * Options of `OrmModule.forRoot()`: the connection options plus Nest-side settings.
 *
 * @example
 * OrmModule.forRoot({ url: process.env.DATABASE_URL, logging: true })
 */
export interface OrmModuleOptions extends OrmOptions {
  /** Log every statement with its duration through Nest's Logger (context `Orm`). */
  logging?: boolean;
  /**
   * The request's unit of work: with `autoFlush`, `TransactionInterceptor` flushes it when a
   * handler succeeds, before the commit.
   */
  unitOfWork?: { autoFlush?: boolean };
  /**
   * Migrations: with `run: true`, pending migrations of `directory` are applied at start-up,
   * under the same advisory lock as `nest-ar migrate` (so replicas apply each once). An
   * in-memory database starts from a kept copy of the migrated schema when the migration files
   * are the ones it was made with (`snapshotCache: false` migrates on every start). `url`: a
   * direct url to the server to migrate on, when the app's `url` goes through PgBouncer.
   */
  migrations?: MigratedDatabaseOptions & { run?: boolean };
  /**
   * Which HTTP routes get a request context (default: all). The context is one per request,
   * shared by every connection: a route gets one when any connection's setting includes it.
   *
   * @example
   * OrmModule.forRoot({ requestContext: { exclude: ['health', 'metrics'] } })
   */
  requestContext?: RequestContextOption;
}

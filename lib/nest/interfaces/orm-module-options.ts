import type { ModuleMetadata, InjectionToken, OptionalFactoryDependency } from '@nestjs/common';
import type { MigrationsOptions } from '../../migrations/migrator';
import type { OrmOptions } from '../../connection/orm-options';

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
   * under the same advisory lock as `nest-ar migrate` (so replicas apply each once).
   */
  migrations?: MigrationsOptions & { run?: boolean };
}

/**
 * Options of `OrmModule.forRootAsync()`, for settings that come from other providers.
 *
 * @example
 * OrmModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService],
 *   useFactory: (c: ConfigService) => ({ url: c.get('DATABASE_URL') }) })
 */
export interface OrmModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Connection name; must match the `name` the factory returns, if any. */
  name?: string;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: never[]) => OrmModuleOptions | Promise<OrmModuleOptions>;
}

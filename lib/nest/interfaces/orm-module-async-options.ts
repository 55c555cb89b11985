import type {
  InjectionToken,
  ModuleMetadata,
  OptionalFactoryDependency,
  Type,
} from '@nestjs/common';
import type { OrmModuleOptions } from './orm-module-options';

/**
 * A provider that builds a connection's options, for `forRootAsync({ useClass })` or
 * `forRootAsync({ useExisting })`.
 *
 * @example
 * @Injectable()
 * class OrmConfig implements OrmOptionsFactory {
 *   createOrmOptions() { return { url: process.env.DATABASE_URL }; }
 * }
 */
export interface OrmOptionsFactory {
  /** Receives the name of the connection being opened (`default` unless named). */
  createOrmOptions(connectionName?: string): OrmModuleOptions | Promise<OrmModuleOptions>;
}

interface OrmModuleAsyncOptionsBase extends Pick<ModuleMetadata, 'imports'> {
  /**
   * Connection name (default `default`). It names the injection tokens, so it is given here,
   * not by the factory; options returning another `name` fail start-up.
   */
  name?: string;
}

/** Options from a factory function, with its dependencies in `inject`. */
export interface OrmModuleFactoryOptions extends OrmModuleAsyncOptionsBase {
  useFactory: (...args: never[]) => OrmModuleOptions | Promise<OrmModuleOptions>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useClass?: never;
  useExisting?: never;
}

/** Options from a class the module instantiates (its dependencies come from `imports`). */
export interface OrmModuleClassOptions extends OrmModuleAsyncOptionsBase {
  useClass: Type<OrmOptionsFactory>;
  useFactory?: never;
  useExisting?: never;
  inject?: never;
}

/** Options from a provider that already exists in the app (exported by one of `imports`). */
export interface OrmModuleExistingOptions extends OrmModuleAsyncOptionsBase {
  useExisting: InjectionToken<OrmOptionsFactory>;
  useFactory?: never;
  useClass?: never;
  inject?: never;
}

/**
 * Options of `OrmModule.forRootAsync()`, for settings that come from other providers: exactly
 * one of `useFactory` (with `inject`), `useClass` or `useExisting`.
 *
 * @example
 * OrmModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService],
 *   useFactory: (c: ConfigService) => ({ url: c.get('DATABASE_URL') }) })
 */
export type OrmModuleAsyncOptions =
  OrmModuleFactoryOptions | OrmModuleClassOptions | OrmModuleExistingOptions;

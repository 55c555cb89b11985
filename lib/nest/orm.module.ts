import { Module, type DynamicModule } from '@nestjs/common';
import type { Model, ModelClass } from '../model/model';
import type { OrmModuleAsyncOptions } from './interfaces/orm-module-async-options';
import type { OrmModuleOptions } from './interfaces/orm-module-options';
import { OrmCoreModule } from './orm-core.module';
import { createRepositoryProviders } from './orm.providers';

/**
 * The ORM's Nest module: `forRoot` once per connection in the root module opens it,
 * `forFeature` in feature modules makes `Repository<Model>` injectable.
 *
 * @example
 * @Module({ imports: [OrmModule.forRoot({ url: process.env.DATABASE_URL }), OrmModule.forFeature([User])] })
 * export class AppModule {}
 */
@Module({})
export class OrmModule {
  /** Opens a connection (embedded PGlite when there is no `url`). */
  static forRoot(options: OrmModuleOptions = {}): DynamicModule {
    return { module: OrmModule, imports: [OrmCoreModule.forRoot(options)] };
  }

  /**
   * Opens a connection whose options come from other providers: `useFactory` (+ `inject`),
   * `useClass` or `useExisting` (an `OrmOptionsFactory`), with `imports` for their modules.
   */
  static forRootAsync(options: OrmModuleAsyncOptions): DynamicModule {
    return { module: OrmModule, imports: [OrmCoreModule.forRootAsync(options)] };
  }

  /** Registers `Repository<Model>` providers for these models on a connection. */
  static forFeature(models: ReadonlyArray<ModelClass<Model>>, connection?: string): DynamicModule {
    const providers = createRepositoryProviders(models, connection);
    return { module: OrmModule, providers, exports: providers.map((p) => p.provide) };
  }
}

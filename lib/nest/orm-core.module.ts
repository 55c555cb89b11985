import {
  Global,
  Inject,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef, Reflector } from '@nestjs/core';
import type { ModelSubscriber } from '../model/subscribers';
import type { Orm } from '../connection/orm';
import type { OrmModuleAsyncOptions } from './interfaces/orm-module-async-options';
import type { OrmModuleOptions } from './interfaces/orm-module-options';
import { OrmContextMiddleware } from './orm-context.middleware';
import {
  createAsyncOptionsProviders,
  createConnectionProviders,
  createOptionsProvider,
} from './orm.providers';
import { ORM_SUBSCRIBER, type OrmSubscriberMetadata } from './orm-subscriber.decorator';
import {
  DEFAULT_CONNECTION_NAME,
  ORM_CONNECTION_NAME,
  ORM_MODULE_OPTIONS,
  getOrmToken,
} from './orm.tokens';

/**
 * Owns one connection for the whole app: opens it at start-up (failing start-up when the
 * database is unreachable or another connection has its name), opens the request context,
 * and closes the connection on shutdown. One instance per `forRoot`/`forRootAsync`.
 */
@Global()
@Module({})
export class OrmCoreModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ORM_CONNECTION_NAME) private readonly name: string,
    @Inject(ORM_MODULE_OPTIONS) private readonly options: OrmModuleOptions,
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  static forRoot(options: OrmModuleOptions): DynamicModule {
    const name = options.name ?? DEFAULT_CONNECTION_NAME;
    return OrmCoreModule.module(name, [createOptionsProvider(name, options)]);
  }

  static forRootAsync(options: OrmModuleAsyncOptions): DynamicModule {
    const name = options.name ?? DEFAULT_CONNECTION_NAME;
    return OrmCoreModule.module(name, createAsyncOptionsProviders(name, options), options.imports);
  }

  private static module(
    name: string,
    optionsProviders: Provider[],
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    const { providers, exports } = createConnectionProviders(name);
    return {
      module: OrmCoreModule,
      imports: [DiscoveryModule, ...(imports ?? [])],
      providers: [...optionsProviders, ...providers],
      exports,
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    const setting = this.options.requestContext ?? true;
    if (setting === false) return;
    const exclude = setting === true ? [] : (setting.exclude ?? []);
    const middleware = consumer.apply(OrmContextMiddleware);
    (exclude.length ? middleware.exclude(...exclude) : middleware).forRoutes({
      path: '{*path}',
      method: RequestMethod.ALL,
    });
  }

  /** Registers the providers marked `@OrmSubscriber(...)` for this connection. */
  onApplicationBootstrap(): void {
    const orm = this.orm();
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const metadata = this.reflector.get<OrmSubscriberMetadata | undefined>(
        ORM_SUBSCRIBER,
        metatype as object as new () => object,
      );
      if (!metadata || (metadata.connection ?? DEFAULT_CONNECTION_NAME) !== this.name) continue;
      orm.subscribe(metadata.models, instance as ModelSubscriber<object>);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.orm().close();
  }

  private orm(): Orm {
    return this.moduleRef.get<Orm>(getOrmToken(this.name) as string, { strict: false });
  }
}

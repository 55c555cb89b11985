import {
  Global,
  Inject,
  Logger,
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
import { Migrator } from '../migrations/migrator';
import { Orm } from '../connection/orm';
import type { OrmModuleAsyncOptions, OrmModuleOptions } from './interfaces/orm-module-options';
import { getOrmOptionsToken, getOrmToken } from './orm.tokens';
import { OrmContextMiddleware } from './orm-context.middleware';
import { TRANSACTION_INTERCEPTOR_OPTIONS, TransactionInterceptor } from './transaction.interceptor';
import { UnitOfWork } from '../unit-of-work/unit-of-work';
import { ORM_SUBSCRIBER, type OrmSubscriberMetadata } from './orm-subscriber.decorator';
import { logQuery } from './query-logger';

const nPlusOneLogger = new Logger('Orm N+1');
const migrationLogger = new Logger('Orm migrations');

async function openOrm(options: OrmModuleOptions, name: string): Promise<Orm> {
  const { logging, unitOfWork: _unitOfWork, migrations, ...connection } = options;
  const orm = await Orm.connect({
    onNPlusOne: (report) => nPlusOneLogger.warn(report.message),
    ...connection,
    name,
  });
  if (migrations?.run) {
    try {
      const applied = await new Migrator(orm, {
        log: (line) => migrationLogger.log(line),
        ...migrations,
      }).migrate();
      if (applied.length) migrationLogger.log(`${applied.length} migration(s) applied`);
    } catch (error) {
      // Start-up fails; the connection must not keep the process alive.
      await orm.close();
      throw error;
    }
  }
  if (logging) orm.onQuery(logQuery);
  return orm;
}

/**
 * Owns one connection for the whole app: opens it at start-up (failing start-up when the
 * database is unreachable) and closes it on shutdown.
 */
@Global()
@Module({})
export class OrmCoreModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject('nestjs-active-record:connection-name') private readonly name: string,
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  static forRoot(options: OrmModuleOptions): DynamicModule {
    const name = options.name ?? 'default';
    return OrmCoreModule.module(name, [
      { provide: getOrmOptionsToken(name), useValue: options },
      { provide: getOrmToken(name), useFactory: () => openOrm(options, name) },
    ]);
  }

  static forRootAsync(options: OrmModuleAsyncOptions): DynamicModule {
    const name = options.name ?? 'default';
    return OrmCoreModule.module(
      name,
      [
        {
          provide: getOrmOptionsToken(name),
          useFactory: options.useFactory,
          inject: options.inject ?? [],
        },
        {
          provide: getOrmToken(name),
          useFactory: (resolved: OrmModuleOptions) => openOrm(resolved, resolved.name ?? name),
          inject: [getOrmOptionsToken(name)],
        },
      ],
      options.imports,
    );
  }

  private static module(
    name: string,
    providers: Provider[],
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: OrmCoreModule,
      imports: [DiscoveryModule, ...(imports ?? [])],
      providers: [
        { provide: 'nestjs-active-record:connection-name', useValue: name },
        {
          provide: TRANSACTION_INTERCEPTOR_OPTIONS,
          useFactory: (options: OrmModuleOptions) => ({
            connection: name,
            autoFlush: options.unitOfWork?.autoFlush ?? false,
          }),
          inject: [getOrmOptionsToken(name)],
        },
        { provide: UnitOfWork, useValue: new UnitOfWork() },
        TransactionInterceptor,
        ...providers,
      ],
      exports: [getOrmToken(name), getOrmOptionsToken(name), TransactionInterceptor, UnitOfWork],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(OrmContextMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  /** Registers the providers marked `@OrmSubscriber(...)` for this connection. */
  onApplicationBootstrap(): void {
    const orm = this.moduleRef.get<Orm>(getOrmToken(this.name), { strict: false });
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const metadata = this.reflector.get<OrmSubscriberMetadata | undefined>(
        ORM_SUBSCRIBER,
        metatype as object as new () => object,
      );
      if (!metadata || (metadata.connection ?? 'default') !== this.name) continue;
      orm.subscribe(metadata.models, instance as ModelSubscriber<object>);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const orm = this.moduleRef.get<Orm>(getOrmToken(this.name), { strict: false });
    await orm.close();
  }
}

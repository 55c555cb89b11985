import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Orm } from '../orm/orm';
import type { OrmModuleAsyncOptions, OrmModuleOptions } from './interfaces/orm-module-options';
import { getOrmOptionsToken, getOrmToken } from './orm.tokens';
import { logQuery } from './query-logger';

async function openOrm(options: OrmModuleOptions, name: string): Promise<Orm> {
  const { logging, ...connection } = options;
  const orm = await Orm.connect({ ...connection, name });
  if (logging) orm.onQuery(logQuery);
  return orm;
}

/**
 * Owns one connection for the whole app: opens it at start-up (failing start-up when the
 * database is unreachable) and closes it on shutdown.
 */
@Global()
@Module({})
export class OrmCoreModule implements OnApplicationShutdown {
  constructor(
    @Inject('nestjs-active-record:connection-name') private readonly name: string,
    private readonly moduleRef: ModuleRef,
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
      imports,
      providers: [
        { provide: 'nestjs-active-record:connection-name', useValue: name },
        ...providers,
      ],
      exports: [getOrmToken(name), getOrmOptionsToken(name)],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const orm = this.moduleRef.get<Orm>(getOrmToken(this.name), { strict: false });
    await orm.close();
  }
}

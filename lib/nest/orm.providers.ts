import type { DynamicModule, Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { OrmError } from '../errors/orm-error';
import type { Model, ModelClass } from '../model/model';
import { UnitOfWork } from '../unit-of-work/unit-of-work';
import type { Orm } from '../connection/orm';
import type {
  OrmModuleAsyncOptions,
  OrmOptionsFactory,
} from './interfaces/orm-module-async-options';
import type { OrmModuleOptions } from './interfaces/orm-module-options';
import { openConnection } from './open-connection';
import { OrmHealthIndicator } from './orm-health.indicator';
import {
  DEFAULT_CONNECTION_NAME,
  ORM_CONNECTION_NAME,
  ORM_MODULE_OPTIONS,
  TRANSACTION_INTERCEPTOR_OPTIONS,
  getOrmOptionsToken,
  getOrmToken,
  getRepositoryToken,
} from './orm.tokens';
import { TransactionInterceptor, transactionInterceptorOptions } from './transaction.interceptor';

/** The options provider of `forRoot`. */
export function createOptionsProvider(name: string, options: OrmModuleOptions): Provider {
  return { provide: getOrmOptionsToken(name), useValue: options };
}

/**
 * The options provider of `forRootAsync`, plus the options class when `useClass` asks the
 * module to instantiate one.
 */
export function createAsyncOptionsProviders(
  name: string,
  options: OrmModuleAsyncOptions,
): Provider[] {
  const given = [options.useFactory, options.useClass, options.useExisting].filter(Boolean);
  if (given.length !== 1) {
    throw new OrmError(
      'INVALID_MODULE_OPTIONS',
      `OrmModule.forRootAsync() takes exactly one of useFactory, useClass or useExisting ` +
        `(got ${given.length ? 'several' : 'none'})`,
    );
  }
  const provide = getOrmOptionsToken(name);
  if (options.useFactory) {
    return [{ provide, useFactory: options.useFactory, inject: options.inject ?? [] }];
  }
  const fromFactory: Provider = {
    provide,
    useFactory: (factory: OrmOptionsFactory) => factory.createOrmOptions(name),
    inject: [options.useClass ?? options.useExisting!],
  };
  return options.useClass
    ? [fromFactory, { provide: options.useClass, useClass: options.useClass }]
    : [fromFactory];
}

/**
 * What every connection's core module provides, given its options provider: the connection
 * (opened at start-up), its transaction interceptor, the unit of work and the health indicator.
 * The default connection's interceptor is the `TransactionInterceptor` class itself.
 */
export function createConnectionProviders(name: string): {
  providers: Provider[];
  exports: NonNullable<DynamicModule['exports']>;
} {
  const optionsToken = getOrmOptionsToken(name);
  const interceptor = TransactionInterceptor.forConnection(name);
  const providers: Provider[] = [
    { provide: ORM_CONNECTION_NAME, useValue: name },
    { provide: ORM_MODULE_OPTIONS, useExisting: optionsToken },
    {
      provide: getOrmToken(name),
      useFactory: (options: OrmModuleOptions, modules: ModulesContainer) =>
        openConnection(options, name, modules),
      inject: [optionsToken, ModulesContainer],
    },
    { provide: UnitOfWork, useValue: new UnitOfWork() },
    OrmHealthIndicator,
    interceptor,
  ];
  const exports: NonNullable<DynamicModule['exports']> = [
    getOrmToken(name),
    optionsToken,
    interceptor,
    UnitOfWork,
    OrmHealthIndicator,
  ];
  if (name === DEFAULT_CONNECTION_NAME) {
    // Exported so that `@UseInterceptors(TransactionInterceptor)`, built in the controller's
    // own module, finds the default connection's settings (autoFlush) there too.
    providers.push({
      provide: TRANSACTION_INTERCEPTOR_OPTIONS,
      useFactory: (options: OrmModuleOptions) => transactionInterceptorOptions(name, options),
      inject: [optionsToken],
    });
    exports.push(TRANSACTION_INTERCEPTOR_OPTIONS);
  }
  return { providers, exports };
}

/** `Repository<Model>` providers of `forFeature`, each from its connection's `Orm`. */
export function createRepositoryProviders(
  models: ReadonlyArray<ModelClass<Model>>,
  connection?: string,
) {
  return models.map((model) => ({
    provide: getRepositoryToken(model, connection),
    useFactory: (orm: Orm) => orm.repository(model),
    inject: [getOrmToken(connection)],
  }));
}

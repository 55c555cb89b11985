export { OrmModule } from './orm.module';
export { OrmCoreModule } from './orm-core.module';
export { InjectRepository, InjectOrm } from './orm.decorators';
export {
  getOrmToken,
  getOrmOptionsToken,
  getRepositoryToken,
  DEFAULT_CONNECTION_NAME,
  TRANSACTION_INTERCEPTOR_OPTIONS,
} from './orm.tokens';
export type {
  OrmModuleOptions,
  RequestContextOption,
  ExcludedRoute,
} from './interfaces/orm-module-options';
export type {
  OrmModuleAsyncOptions,
  OrmModuleFactoryOptions,
  OrmModuleClassOptions,
  OrmModuleExistingOptions,
  OrmOptionsFactory,
} from './interfaces/orm-module-async-options';
export { OrmContextMiddleware } from './orm-context.middleware';
export { OrmExceptionFilter, httpResponseFor, type OrmErrorResponse } from './orm-exception.filter';
export { OrmSubscriber, type OrmSubscriberMetadata } from './orm-subscriber.decorator';
export {
  TransactionInterceptor,
  type TransactionInterceptorOptions,
} from './transaction.interceptor';
export {
  ReadYourWritesInterceptor,
  READ_YOUR_WRITES_OPTIONS,
  type ReadYourWritesOptions,
} from './read-your-writes.interceptor';
export { OrmHealthIndicator } from './orm-health.indicator';
export type {
  OrmHealthIndicatorResult,
  OrmConnectionHealth,
  OrmHealthCheckOptions,
} from './orm-health.types';
export { OrmHealthCheckError } from './orm-health-check.error';

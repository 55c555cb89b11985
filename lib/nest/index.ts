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
  OrmModuleAsyncOptions,
  OrmModuleFactoryOptions,
  OrmModuleClassOptions,
  OrmModuleExistingOptions,
  OrmOptionsFactory,
} from './interfaces/orm-module-options';
export { OrmContextMiddleware } from './orm-context.middleware';
export { OrmExceptionFilter, httpResponseFor, type OrmErrorResponse } from './orm-exception.filter';
export { OrmSubscriber, type OrmSubscriberMetadata } from './orm-subscriber.decorator';
export {
  TransactionInterceptor,
  type TransactionInterceptorOptions,
} from './transaction.interceptor';
export {
  OrmHealthIndicator,
  type OrmHealthIndicatorResult,
  type OrmConnectionHealth,
  type OrmHealthCheckOptions,
} from './orm-health.indicator';
export { OrmHealthCheckError } from './orm-health-check.error';

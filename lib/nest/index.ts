export { OrmModule } from './orm.module';
export { OrmCoreModule } from './orm-core.module';
export { InjectRepository, InjectOrm } from './orm.decorators';
export { getOrmToken, getRepositoryToken, DEFAULT_CONNECTION_NAME } from './orm.tokens';
export type { OrmModuleOptions, OrmModuleAsyncOptions } from './interfaces/orm-module-options';
export { OrmContextMiddleware } from './orm-context.middleware';
export { OrmExceptionFilter, httpResponseFor, type OrmErrorResponse } from './orm-exception.filter';
export { OrmSubscriber, type OrmSubscriberMetadata } from './orm-subscriber.decorator';
export {
  TransactionInterceptor,
  TRANSACTION_INTERCEPTOR_OPTIONS,
  type TransactionInterceptorOptions,
} from './transaction.interceptor';

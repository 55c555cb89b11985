import { Orm } from '../connection/orm';

export const DEFAULT_CONNECTION_NAME = 'default';

/** A core module's own connection name (not exported from it: each module reads its own). */
export const ORM_CONNECTION_NAME = 'nestjs-active-record:connection-name';

/** A core module's own options, resolved (from `forRoot`, or the async factory). */
export const ORM_MODULE_OPTIONS = 'nestjs-active-record:module-options';

/** Options of the default connection's `TransactionInterceptor`. */
export const TRANSACTION_INTERCEPTOR_OPTIONS = 'nestjs-active-record:transaction-interceptor';

/** Metadata key of `@OrmSubscriber()`. */
export const ORM_SUBSCRIBER = 'nestjs-active-record:subscriber';

/** The injection token of a connection's `Orm`: the class itself for the default one. */
export function getOrmToken(name: string = DEFAULT_CONNECTION_NAME): string | typeof Orm {
  return name === DEFAULT_CONNECTION_NAME ? Orm : `nestjs-active-record:orm:${name}`;
}

/** The token of the options a connection was created with. */
export function getOrmOptionsToken(name: string = DEFAULT_CONNECTION_NAME): string {
  return `nestjs-active-record:options:${name}`;
}

/**
 * The injection token of `Repository<Model>` on a connection, e.g. to override it in tests.
 *
 * @example
 * Test.createTestingModule({ … }).overrideProvider(getRepositoryToken(User)).useValue(fake);
 */
export function getRepositoryToken(
  model: { name: string },
  name: string = DEFAULT_CONNECTION_NAME,
): string {
  const prefix = name === DEFAULT_CONNECTION_NAME ? '' : `${name}:`;
  return `nestjs-active-record:repository:${prefix}${model.name}`;
}

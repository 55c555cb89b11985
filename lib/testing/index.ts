/**
 * `nestjs-active-record/testing`: what tests of an app need — each test in a transaction rolled
 * back at its end, factories, and assertions on the statements a block sends. Its own entry
 * point, so an app in production never loads it.
 */
export { useTransactionalTests, type TransactionalTestsOptions } from './transactional-tests';
export type { TestHooks } from './test-hooks';
export { defineFactory, Factory, type FactoryAttributes, type FactoryContext } from './factories';
export {
  expectNoNPlusOne,
  recordQueries,
  type NoNPlusOneOptions,
  type QueryRecording,
  type RecordQueriesOptions,
} from './query-recording';
export {
  connectMigrated,
  type MigratedConnection,
  type MigratedDatabaseOptions,
} from '../migrations/migrated-database';

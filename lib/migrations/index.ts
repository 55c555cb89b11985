export { Migration, type MigrationSource } from './migration';
export {
  SchemaBuilder,
  CreateTableBuilder,
  AlterTableBuilder,
  ColumnBuilder,
  type DefaultValue,
  type IndexOptions,
  type IndexKey,
  type ReferentialAction,
} from './schema-builder';
export {
  MigrationRunner,
  type MigrationStatus,
  type MigrationRunnerOptions,
} from './migration-runner';
export { Migrator, type MigrationsOptions, type GeneratedMigration } from './migrator';
export { migrationsIn, migrationsOf } from './migration-files';
export {
  MigrationError,
  MigrationChecksumError,
  MigrationLockError,
  MigrationSafetyError,
} from './migration-errors';
export { lintStatements } from './safety-lint';
export {
  connectMigrated,
  type MigratedConnection,
  type MigratedDatabaseOptions,
} from './migrated-database';

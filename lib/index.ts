export * from './errors';
export {
  Table,
  Column,
  PrimaryKey,
  CreatedAt,
  UpdatedAt,
  Version,
  DeletedAt,
  Hidden,
  type TypedPropertyDecorator,
} from './metadata/decorators';
export {
  BeforeValidate,
  AfterValidate,
  BeforeSave,
  AfterSave,
  BeforeCreate,
  AfterCreate,
  BeforeUpdate,
  AfterUpdate,
  BeforeDestroy,
  AfterDestroy,
  AfterCommit,
  AfterRollback,
} from './metadata/hook-decorators';
export type { HookEvent } from './metadata/model-declarations';
export { BelongsTo, HasMany, HasOne, ManyToMany } from './metadata/relation-decorators';
export {
  Index,
  Unique,
  Check,
  type ModelIndexOptions,
  type CheckOptions,
  type IndexMethod,
  type IndexPart,
} from './metadata/table-decorators';
export type { IndexMeta, IndexKeyMeta, CheckMeta } from './metadata/table-constraints';
export type {
  BelongsToOptions,
  HasManyOptions,
  HasOneOptions,
  ManyToManyOptions,
  DependentAction,
} from './metadata/relation-options';
export type {
  ColumnOptions,
  ColumnTransformer,
  PrimaryKeyOptions,
  ColumnDefault,
} from './metadata/column-options';
export type { ColumnType, RangeColumnType, ScalarColumnType } from './metadata/column-types';
export { Range, type RangeBounds } from './metadata/range';
export { snakeCaseNaming, type NamingStrategy } from './metadata/naming-strategy';
export type { ModelMeta, ColumnMeta } from './metadata/model-meta';
export {
  describeModel,
  type ModelDescription,
  type ColumnDescription,
} from './metadata/describe-model';
export type { Rel } from './metadata/rel';
export { sql, SqlFragment, SqlIdentifier } from './sql/sql-fragment';
export type { CompiledQuery } from './sql/query-compiler';
export * from './query';
export * from './input';
export { Model } from './model/model';
export type { ModelClass, PrimaryKeyOf } from './model/model';
export { PrimaryKeyFields, type PrimaryKeyValue } from './query/primary-key-type';
export { Repository, type SaveOptions } from './model/repository';
export type { ModelSubscriber } from './model/subscribers';
export { UnitOfWork } from './unit-of-work/unit-of-work';
export type { SerializeOptions } from './model/serializer';
export type { InsertAllOptions, UpsertAllOptions } from './model/insert-all';
export { Orm } from './connection/orm';
export type { OrmOptions } from './connection/orm-options';
export type { QueryEvent } from './connection/query-event';
export type { NPlusOneOptions, NPlusOneReport } from './connection/n-plus-one-detector';
export { runInContext } from './context/request-context';
export { onPrimary } from './context/primary-scope';
export type { ReplicaStatus, ReplicaChange } from './connection/replicas/replica-status';
export type {
  TransactionOptions,
  IsolationLevel,
  Propagation,
} from './transactions/transaction-options';
export {
  Transactional,
  afterCommit,
  type TransactionalOptions,
} from './transactions/transactional';
export type {
  Driver,
  DriverSession,
  QueryOptions,
  QueryResult,
  Queryable,
  RowListener,
} from './driver/driver';
export { PgDriver, type PoolOptions } from './driver/pg-driver';
export { PgliteDriver, type PgliteDriverOptions } from './driver/pglite-driver';
export { PgliteSnapshotCache } from './driver/pglite-snapshot-cache';
export * from './nest';
export * from './migrations';
export type { CliConfig } from './cli/config';

export { OrmError } from './orm-error';
export { RecordNotFoundError } from './record-not-found-error';
export {
  InvalidQueryError,
  UnknownFieldError,
  InvalidValueError,
  InvalidKeyError,
} from './invalid-query-error';
export { InputNotPermittedError } from './input-not-permitted-error';
export { PolicyError } from './policy-error';
export {
  QueryError,
  ConstraintViolationError,
  UniqueViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  CheckViolationError,
  TransactionError,
} from './database-errors';
export type { DatabaseErrorInfo } from './database-errors';
export { ConnectionError } from './connection-error';
export { DataDirLockedError, type DataDirHolder } from './data-dir-locked-error';
export { QueryTimeoutError } from './query-timeout-error';
export { RelationNotLoadedError, DeleteRestrictedError } from './relation-errors';
export { NPlusOneError } from './n-plus-one-error';
export { ValidationError, StaleRecordError, RecordNotSavedError } from './lifecycle-errors';
export { ModelFileExistsError, UnknownTableError } from './pull-errors';
export { ConfigurationError } from './configuration-error';

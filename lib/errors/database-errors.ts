import { OrmError } from './orm-error';

/** What PostgreSQL said about a failed statement, without the values it echoes in `detail`. */
export interface DatabaseErrorInfo {
  /** SQLSTATE, e.g. `23505`. */
  sqlState: string;
  /** The SQL text that failed (placeholders only, never values). */
  sql?: string;
  table?: string;
  column?: string;
  constraint?: string;
  /** Columns named by the server's detail message (`Key (email)=…`), values removed. */
  columns?: string[];
}

/**
 * A statement the server rejected. Carries the SQL text and SQLSTATE; the message is the
 * server's, with quoted values removed.
 *
 * @example
 * catch (e) { if (e instanceof QueryError) metrics.inc(e.sqlState); }
 */
export class QueryError extends OrmError {
  readonly sqlState: string;
  readonly sql?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;

  constructor(message: string, info: DatabaseErrorInfo, code = 'QUERY_FAILED') {
    super(code, message);
    this.sqlState = info.sqlState;
    this.sql = info.sql;
    this.table = info.table;
    this.column = info.column;
    this.constraint = info.constraint;
  }
}

/** Base of integrity violations (class 23): the statement changed nothing. */
export class ConstraintViolationError extends QueryError {
  /** Columns involved, when PostgreSQL names them. */
  readonly columns: string[];
  /** The model whose write failed, when it went through a model. */
  model?: string;
  /** The model's fields (properties) for `columns`, when it went through a model. */
  fields: string[] = [];

  constructor(message: string, info: DatabaseErrorInfo, code: string) {
    super(message, info, code);
    this.columns = info.columns ?? (info.column ? [info.column] : []);
  }
}

/** A unique index or constraint rejected a duplicate (SQLSTATE 23505). HTTP 409. */
export class UniqueViolationError extends ConstraintViolationError {
  constructor(message: string, info: DatabaseErrorInfo) {
    super(message, info, 'UNIQUE_VIOLATION');
  }
}

/** A foreign key rejected a missing parent or a still-referenced row (SQLSTATE 23503). */
export class ForeignKeyViolationError extends ConstraintViolationError {
  constructor(
    message: string,
    info: DatabaseErrorInfo,
    /**
     * `missingParent`: an insert or update referred to a row that does not exist (HTTP 422);
     * `stillReferenced`: a delete or key change left other rows pointing at nothing (HTTP 409).
     */
    readonly reason: 'missingParent' | 'stillReferenced' = 'missingParent',
  ) {
    super(message, info, 'FOREIGN_KEY_VIOLATION');
  }
}

/** A NOT NULL column received null (SQLSTATE 23502). */
export class NotNullViolationError extends ConstraintViolationError {
  constructor(message: string, info: DatabaseErrorInfo) {
    super(message, info, 'NOT_NULL_VIOLATION');
  }
}

/** A CHECK constraint failed (SQLSTATE 23514). */
export class CheckViolationError extends ConstraintViolationError {
  constructor(message: string, info: DatabaseErrorInfo) {
    super(message, info, 'CHECK_VIOLATION');
  }
}

/**
 * A transaction could not complete: serialization failure (40001), deadlock (40P01), or
 * misuse such as a statement after the transaction ended. `retryable` says whether running
 * the whole transaction again may succeed.
 */
export class TransactionError extends QueryError {
  readonly retryable: boolean;

  constructor(message: string, info: DatabaseErrorInfo, retryable: boolean) {
    super(message, info, retryable ? 'TRANSACTION_RETRYABLE' : 'TRANSACTION_FAILED');
    this.retryable = retryable;
  }
}

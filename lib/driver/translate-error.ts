import { ConnectionError } from '../errors/connection-error';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryError,
  TransactionError,
  UniqueViolationError,
  type DatabaseErrorInfo,
} from '../errors/database-errors';
import { OrmError } from '../errors/orm-error';

/** The fields pg and PGlite put on a server error. */
interface ServerErrorFields {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * Maps a driver error to the ORM's vocabulary, once, by SQLSTATE. Messages are rebuilt so they
 * never carry bound values: the server's `detail` (which quotes them) is reduced to column names.
 */
export function translateDatabaseError(
  error: unknown,
  sqlText: string | undefined,
  target: string,
): Error {
  if (error instanceof OrmError) return error;
  if (!(error instanceof Error))
    return new QueryError('Unknown database failure', { sqlState: 'XX000', sql: sqlText });
  const fields = error as Error & ServerErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : '';

  if (
    connectionErrorCodes.has(code) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
      error.message,
    )
  ) {
    return new ConnectionError(
      `Lost or could not open the connection to PostgreSQL at ${target}: ${code || error.message}`,
      target,
    );
  }
  if (!/^[0-9A-Z]{5}$/.test(code)) {
    return new QueryError(`Database driver failure: ${redactQuoted(error.message)}`, {
      sqlState: 'XX000',
      sql: sqlText,
    });
  }

  const info: DatabaseErrorInfo = {
    sqlState: code,
    sql: sqlText,
    table: asString(fields.table),
    column: asString(fields.column),
    constraint: asString(fields.constraint),
    columns: columnsFromDetail(asString(fields.detail)),
  };
  const where = info.table ? ` on table "${info.table}"` : '';
  switch (code) {
    case '23505':
      return new UniqueViolationError(
        `Unique constraint "${info.constraint}"${where} rejected a duplicate of (${(info.columns ?? []).join(', ')})`,
        info,
      );
    case '23503': {
      // The server's detail says which side failed; only that fact is kept, not the values.
      const reason = /still referenced/.test(asString(fields.detail) ?? '')
        ? 'stillReferenced'
        : 'missingParent';
      return new ForeignKeyViolationError(
        `Foreign key "${info.constraint}"${where} rejected the change to (${(info.columns ?? []).join(', ')}): ` +
          (reason === 'missingParent'
            ? 'the referenced row does not exist'
            : 'other rows still refer to this one'),
        info,
        reason,
      );
    }
    case '23502':
      return new NotNullViolationError(`Column "${info.column}"${where} cannot be null`, info);
    case '23514':
      return new CheckViolationError(
        `Check constraint "${info.constraint}"${where} rejected the row`,
        info,
      );
    case '40001':
      return new TransactionError(
        'Could not serialize access due to concurrent updates; run the transaction again',
        info,
        true,
      );
    case '40P01':
      return new TransactionError('Deadlock detected; run the transaction again', info, true);
    case '25P02':
      return new TransactionError(
        'The transaction was aborted by an earlier error; statements are ignored until it rolls back',
        info,
        false,
      );
  }
  if (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300'
  ) {
    return new ConnectionError(
      `PostgreSQL at ${target} refused or dropped the connection (SQLSTATE ${code}): ${redactQuoted(error.message)}`,
      target,
    );
  }
  if (code === '28P01' || code === '28000' || code === '3D000') {
    return new ConnectionError(
      `PostgreSQL at ${target} refused the login (SQLSTATE ${code}): ${redactQuoted(error.message)}`,
      target,
    );
  }
  return new QueryError(`${redactQuoted(error.message)} (SQLSTATE ${code})`, info);
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `Key (org_id, email)=(…) already exists.` → ['org_id', 'email']. */
function columnsFromDetail(detail: string | undefined): string[] | undefined {
  const match = detail && /^Key \(([^)]*)\)=/.exec(detail);
  if (!match) return undefined;
  return match[1]!.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
}

/**
 * Data errors (class 22) quote the offending input after a colon, e.g.
 * `invalid input syntax for type integer: "abc"`; the quoted part is cut.
 */
function redactQuoted(message: string): string {
  return message.replace(/: ".*"$/s, ': "…"').replace(/: '.*'$/s, ": '…'");
}

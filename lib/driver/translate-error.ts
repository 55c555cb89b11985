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
import { QueryTimeoutError } from '../errors/query-timeout-error';
import { QUERY_READ_TIMEOUT } from './query-deadline';

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
 * Session-ending SQLSTATEs: the server closed this one connection (it was terminated, idle too
 * long, or the server is going down), so only the calls that used it fail.
 */
const sessionEndedCodes = new Set(['25P03', '25P04', '57P01', '57P02', '57P03', '57P05', '53300']);

/**
 * Maps a driver error to the ORM's vocabulary, once, by SQLSTATE. Messages are rebuilt so they
 * never carry bound values: the server's `detail` (which quotes them) is reduced to column names.
 * `queryTimeoutMs` is the client-side bound, named when pg reports that it ran out.
 */
export function translateDatabaseError(
  error: unknown,
  sqlText: string | undefined,
  target: string,
  queryTimeoutMs?: number,
): Error {
  if (error instanceof OrmError) return error;
  // Socket errors may come from another realm (a test sandbox), so `instanceof Error` is not asked.
  if (typeof (error as Error | undefined)?.message !== 'string')
    return new QueryError('Unknown database failure', { sqlState: 'XX000', sql: sqlText });
  const fields = error as Error & ServerErrorFields & { errors?: ServerErrorFields[] };
  const message = fields.message;
  const code =
    typeof fields.code === 'string'
      ? fields.code
      : typeof fields.errors?.[0]?.code === 'string'
        ? fields.errors[0].code
        : '';

  if (message === QUERY_READ_TIMEOUT) {
    const bound = queryTimeoutMs ? ` of ${queryTimeoutMs} ms` : '';
    return new QueryTimeoutError(
      `PostgreSQL at ${target} did not answer within the query timeout${bound} ` +
        '(pool.queryTimeoutMs); the connection was dropped',
      { sqlState: '57014', sql: sqlText },
      queryTimeoutMs,
    );
  }
  if (
    connectionErrorCodes.has(code) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable/i.test(
      message,
    )
  ) {
    return new ConnectionError(
      `Lost or could not open the connection to PostgreSQL at ${target}: ${code || message}`,
      target,
    );
  }
  if (!/^[0-9A-Z]{5}$/.test(code)) {
    return new QueryError(`Database driver failure: ${redactQuoted(message)}`, {
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
    case '57014':
      return new QueryTimeoutError(
        /statement timeout/.test(message)
          ? 'The statement ran longer than the statement timeout and was canceled (SQLSTATE 57014)'
          : 'The statement was canceled by a cancel request (SQLSTATE 57014)',
        info,
      );
    case '25P02':
      return new TransactionError(
        'The transaction was aborted by an earlier error; statements are ignored until it rolls back',
        info,
        false,
      );
  }
  if (code.startsWith('08') || sessionEndedCodes.has(code)) {
    return new ConnectionError(
      `PostgreSQL at ${target} refused or dropped the connection (SQLSTATE ${code}): ${redactQuoted(message)}`,
      target,
    );
  }
  if (code === '28P01' || code === '28000' || code === '3D000') {
    return new ConnectionError(
      `PostgreSQL at ${target} refused the login (SQLSTATE ${code}): ${redactQuoted(message)}`,
      target,
    );
  }
  return new QueryError(`${redactQuoted(message)} (SQLSTATE ${code})`, info);
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

import {
  Catch,
  HttpStatus,
  Logger,
  Optional,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ForeignKeyViolationError,
  QueryError,
  UniqueViolationError,
} from '../errors/database-errors';
import { ConnectionError } from '../errors/connection-error';
import { InputNotPermittedError } from '../errors/input-not-permitted-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { QueryTimeoutError } from '../errors/query-timeout-error';
import { RecordNotSavedError, StaleRecordError, ValidationError } from '../errors/lifecycle-errors';
import { OrmError } from '../errors/orm-error';
import { RecordNotFoundError } from '../errors/record-not-found-error';
import { DeleteRestrictedError } from '../errors/relation-errors';
import { OrmHealthCheckError } from './orm-health-check.error';

/** The HTTP answer to an ORM error: status and JSON body. */
export interface OrmErrorResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The HTTP status and body for an ORM error: 404 not found; 400 invalid input (with messages
 * per field); 409 unique violations, stale records, restricted deletes and deletes of rows others
 * still refer to; 422 a hook refused or a reference to a missing record; 503 the database out
 * of reach or too slow, or a failed health check; 500 anything else, with a generic message —
 * SQL and server details stay in the log.
 */
export function httpResponseFor(error: OrmError): OrmErrorResponse {
  const answer = (status: number, extra: Record<string, unknown> = {}): OrmErrorResponse => ({
    status,
    body: { statusCode: status, message: error.message, code: error.code, ...extra },
  });
  if (error instanceof RecordNotFoundError) return answer(HttpStatus.NOT_FOUND);
  if (error instanceof ValidationError)
    return answer(HttpStatus.BAD_REQUEST, { errors: error.errors });
  if (error instanceof InputNotPermittedError) {
    return answer(HttpStatus.BAD_REQUEST, { errors: { [error.parameter]: [error.reason] } });
  }
  if (error instanceof InvalidQueryError) {
    return answer(
      HttpStatus.BAD_REQUEST,
      error.field ? { errors: { [error.field]: [error.message] } } : {},
    );
  }
  if (error instanceof UniqueViolationError) {
    const fields = error.fields.length ? error.fields : error.columns;
    return answer(HttpStatus.CONFLICT, {
      message: fields.length ? `${fields.join(', ')} already taken` : 'Already exists',
      errors: Object.fromEntries(fields.map((f) => [f, ['has already been taken']])),
    });
  }
  if (error instanceof ForeignKeyViolationError) {
    // The message names no constraint or table: the client needs the field, not the schema.
    if (error.reason === 'stillReferenced') {
      return answer(HttpStatus.CONFLICT, { message: 'Other records still refer to this one' });
    }
    const fields = error.fields.length ? error.fields : error.columns;
    return answer(HttpStatus.UNPROCESSABLE_ENTITY, {
      message: `${fields.join(', ') || 'A reference'} does not refer to an existing record`,
      errors: Object.fromEntries(fields.map((f) => [f, ['does not refer to an existing record']])),
    });
  }
  // Class 22 (data exception): a value the server refused — a day that does not exist, a
  // number out of range. The client sent it; the message says which column when PostgreSQL does.
  if (error instanceof QueryError && error.sqlState.startsWith('22')) {
    return answer(HttpStatus.BAD_REQUEST, {
      message: error.column
        ? `A value for ${error.column} is not valid`
        : 'A value in the request is not valid',
    });
  }
  if (error instanceof StaleRecordError || error instanceof DeleteRestrictedError) {
    return answer(HttpStatus.CONFLICT);
  }
  if (error instanceof RecordNotSavedError) return answer(HttpStatus.UNPROCESSABLE_ENTITY);
  // The database is out of reach or too slow right now: the request may succeed later. A
  // failed health check says which connections are down, not why (the log has the causes).
  if (error instanceof OrmHealthCheckError) {
    const [status] = Object.values(error.causes);
    const connections = Object.entries(status?.connections ?? {});
    return answer(HttpStatus.SERVICE_UNAVAILABLE, {
      message: 'The database is unavailable, try again later',
      down: connections.filter(([, c]) => c.status === 'down').map(([name]) => name),
    });
  }
  if (error instanceof ConnectionError || error instanceof QueryTimeoutError) {
    return answer(HttpStatus.SERVICE_UNAVAILABLE, {
      message: 'The database is unavailable, try again later',
    });
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' },
  };
}

/**
 * Maps the ORM's errors to HTTP responses (see `httpResponseFor`), on Express or Fastify.
 * Errors that are not the ORM's (Nest's ValidationPipe, HttpException) pass untouched.
 *
 * @example
 * app.useGlobalFilters(new OrmExceptionFilter(app.get(HttpAdapterHost)));
 * // or: providers: [{ provide: APP_FILTER, useClass: OrmExceptionFilter }]
 */
@Catch(OrmError)
export class OrmExceptionFilter implements ExceptionFilter<OrmError> {
  private readonly logger = new Logger('Orm');

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  catch(error: OrmError, host: ArgumentsHost): void {
    const { status, body } = httpResponseFor(error);
    if (status >= 500) this.logger.error(error.message, error.stack);
    const response = host.switchToHttp().getResponse();
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter) {
      adapter.reply(response, body, status);
      return;
    }
    (response as { status(code: number): { json(body: unknown): void } }).status(status).json(body);
  }
}

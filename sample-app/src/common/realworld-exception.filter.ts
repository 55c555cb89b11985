import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import {
  httpResponseFor,
  OrmError,
  UniqueViolationError,
  ValidationError,
} from 'nestjs-active-record';

/** RealWorld's error shape: `{ errors: { field: ["message", …] } }`. */
@Catch()
export class RealWorldExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Conduit');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json(body: unknown): void };
    }>();
    const [status, errors] = this.describe(error);
    response.status(status).json({ errors });
  }

  private describe(error: unknown): [number, Record<string, string[]>] {
    if (error instanceof ValidationError) {
      return [HttpStatus.UNPROCESSABLE_ENTITY, { ...error.errors } as Record<string, string[]>];
    }
    if (error instanceof UniqueViolationError) {
      const fields = error.fields.length ? error.fields : ['body'];
      return [
        HttpStatus.UNPROCESSABLE_ENTITY,
        Object.fromEntries(fields.map((f) => [f, ['has already been taken']])),
      ];
    }
    if (error instanceof OrmError) {
      const { status, body } = httpResponseFor(error);
      if (status >= 500) this.logger.error(error.message, error.stack);
      const errors = (body.errors as Record<string, string[]>) ?? { body: [String(body.message)] };
      return [status, errors];
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse() as { message?: string | string[] };
      const messages = Array.isArray(body.message) ? body.message : [body.message ?? error.message];
      return [
        status === HttpStatus.BAD_REQUEST ? HttpStatus.UNPROCESSABLE_ENTITY : status,
        { body: messages },
      ];
    }
    this.logger.error(error instanceof Error ? error.stack : String(error));
    return [HttpStatus.INTERNAL_SERVER_ERROR, { body: ['Internal server error'] }];
  }
}

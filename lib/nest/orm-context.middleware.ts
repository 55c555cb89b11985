import { Injectable, type NestMiddleware } from '@nestjs/common';
import { runInContext } from '../context/request-context';

/** Marks a request whose context is open, so a second connection's middleware keeps it. */
const CONTEXT_OPENED = Symbol('nestjs-active-record:context-opened');

/**
 * Opens the ORM's context for each HTTP request (Express or Fastify), so everything the
 * request awaits shares it and concurrent requests never see each other's. Each connection's
 * module applies it; a request still gets one context, shared by every connection.
 */
@Injectable()
export class OrmContextMiddleware implements NestMiddleware {
  use(request: object, _response: unknown, next: () => void): void {
    const marked = request as { [CONTEXT_OPENED]?: true };
    if (marked[CONTEXT_OPENED]) return next();
    marked[CONTEXT_OPENED] = true;
    runInContext(next);
  }
}

import { Injectable, type NestMiddleware } from '@nestjs/common';
import { runInContext } from '../context/request-context';

/**
 * Opens the ORM's context for each HTTP request (Express or Fastify), so everything the
 * request awaits shares it and concurrent requests never see each other's.
 */
@Injectable()
export class OrmContextMiddleware implements NestMiddleware {
  use(_request: unknown, _response: unknown, next: () => void): void {
    runInContext(next);
  }
}

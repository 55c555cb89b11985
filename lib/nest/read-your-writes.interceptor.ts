import {
  Inject,
  Injectable,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type { Orm } from '../connection/orm';
import { parseWalPosition } from '../driver/wal-position';
import { InjectOrm } from './orm.decorators';

/** Token of the interceptor's options, for a provider that wants other names than the defaults. */
export const READ_YOUR_WRITES_OPTIONS = 'nestjs-active-record:read-your-writes';

/** Where the interceptor carries a client's last write position. */
export interface ReadYourWritesOptions {
  /** Response and request header (default `x-wal-position`). */
  header?: string;
  /** Cookie name (default `wal_position`); `false` for the header only. */
  cookie?: string | false;
  /**
   * How long the cookie lives, in seconds (default 60): by then a replica has replayed the
   * write, or is out of rotation for lagging.
   */
  cookieMaxAgeSeconds?: number;
}

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}

interface HttpResponse {
  setHeader?(name: string, value: string): unknown;
  append?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
}

/**
 * Read-your-writes across requests, with read replicas: a response after a write carries the
 * primary's WAL position in a header and a cookie, and a request that brings one back reads
 * from a replica only once it has replayed that position (else from the primary). A value that
 * is not exactly a WAL position (`16/B374D848`) is ignored; it never reaches SQL.
 *
 * @example
 * app.useGlobalInterceptors(app.get(ReadYourWritesInterceptor)); // add it before TransactionInterceptor
 * // named connection: new ReadYourWritesInterceptor(app.get(getOrmToken('analytics')))
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  private readonly header: string;
  private readonly cookie: string | false;
  private readonly maxAge: number;

  constructor(
    @InjectOrm() private readonly orm: Orm,
    @Optional() @Inject(READ_YOUR_WRITES_OPTIONS) options: ReadYourWritesOptions = {},
  ) {
    this.header = (options.header ?? 'x-wal-position').toLowerCase();
    this.cookie = options.cookie ?? 'wal_position';
    this.maxAge = options.cookieMaxAgeSeconds ?? 60;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const position = this.incoming(request);
    // Well-formed by the strict check above; readAfter parses it again, into a bigint.
    if (position !== undefined) this.orm.readAfter(position);
    // Runs after the handler's writes committed (TransactionInterceptor, added after this one,
    // completes only after its COMMIT), before Nest sends the response.
    return next.handle().pipe(
      map((value) => {
        this.stamp(http.getResponse<HttpResponse>());
        return value;
      }),
    );
  }

  private incoming(request: HttpRequest): string | undefined {
    const header = request.headers[this.header];
    const fromHeader = typeof header === 'string' ? header.trim() : undefined;
    if (parseWalPosition(fromHeader) !== undefined) return fromHeader;
    if (!this.cookie) return undefined;
    const fromCookie = cookieValue(request.headers.cookie, this.cookie);
    return parseWalPosition(fromCookie) !== undefined ? fromCookie : undefined;
  }

  private stamp(response: HttpResponse): void {
    const position = this.orm.writePosition();
    if (position === undefined) return;
    setHeader(response, this.header, position);
    if (this.cookie) {
      const cookie = `${this.cookie}=${position}; Path=/; Max-Age=${this.maxAge}; SameSite=Lax; HttpOnly`;
      if (response.append) response.append('Set-Cookie', cookie);
      else setHeader(response, 'Set-Cookie', cookie);
    }
  }
}

/** Express has `setHeader`; Fastify's reply has `header`. */
function setHeader(response: HttpResponse, name: string, value: string): void {
  if (response.setHeader) response.setHeader(name, value);
  else response.header?.(name, value);
}

function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      return part.slice(separator + 1).trim();
    }
  }
  return undefined;
}

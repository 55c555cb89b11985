import {
  Inject,
  Injectable,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, type Subscription } from 'rxjs';
import { TransactionError } from '../errors/database-errors';
import { connectionNamed } from '../transactions/connection-registry';
import { UnitOfWork } from '../unit-of-work/unit-of-work';
import type { TransactionalOptions } from '../transactions/transactional';
import type { OrmModuleOptions } from './interfaces/orm-module-options';
import {
  DEFAULT_CONNECTION_NAME,
  TRANSACTION_INTERCEPTOR_OPTIONS,
  getOrmOptionsToken,
} from './orm.tokens';

export { TRANSACTION_INTERCEPTOR_OPTIONS };

/** Options of the interceptor: the transaction's, and whether to flush the unit of work. */
export interface TransactionInterceptorOptions extends TransactionalOptions {
  /** Flush the request's unit of work when the handler succeeds, before the commit. */
  autoFlush?: boolean;
}

const unitOfWork = new UnitOfWork();

/** Nest marks `@Sse()` handlers with this metadata key. */
const SSE_METADATA = '__sse__';

interface ClosableResponse {
  writableFinished?: boolean;
  on(event: 'close', listener: () => void): unknown;
  off?(event: 'close', listener: () => void): unknown;
}

/** The interceptor's options for a connection, from the options it was opened with. */
export function transactionInterceptorOptions(
  connection: string,
  options: OrmModuleOptions | undefined,
): TransactionInterceptorOptions {
  return { connection, autoFlush: options?.unitOfWork?.autoFlush ?? false };
}

/** One interceptor class per named connection, so `@UseInterceptors()` gets the same class. */
const perConnection = new Map<string, Type<TransactionInterceptor>>();

/**
 * Runs each HTTP handler in a transaction that follows everything it awaits: COMMIT when the
 * handler's observable completes, ROLLBACK when it errors or the client disconnects first.
 * The response is sent after the commit, so a client never sees success for work that was
 * rolled back. Server-sent events (`@Sse()`) stream live and commit when the stream ends.
 * The class itself is the default connection's; `forConnection(name)` gives a named one's.
 *
 * @example
 * app.useGlobalInterceptors(app.get(TransactionInterceptor));
 * // or on a controller: @UseInterceptors(TransactionInterceptor)
 */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Optional()
    @Inject(TRANSACTION_INTERCEPTOR_OPTIONS)
    private readonly options: TransactionInterceptorOptions = {},
  ) {}

  /**
   * The interceptor of a named connection (with its `unitOfWork.autoFlush`), usable in
   * `@UseInterceptors()` and `app.get()`; several stack, each committing its own connection.
   *
   * @example
   * @UseInterceptors(TransactionInterceptor.forConnection('analytics'))
   */
  static forConnection(name: string): Type<TransactionInterceptor> {
    if (name === DEFAULT_CONNECTION_NAME) return TransactionInterceptor;
    let interceptor = perConnection.get(name);
    if (!interceptor) {
      @Injectable()
      class ConnectionTransactionInterceptor extends TransactionInterceptor {
        constructor(
          @Inject(Reflector) reflector: Reflector,
          @Inject(getOrmOptionsToken(name)) options: OrmModuleOptions,
        ) {
          super(reflector, transactionInterceptorOptions(name, options));
        }
      }
      // Nest names the class in its messages (a missing dependency, say).
      Object.defineProperty(ConnectionTransactionInterceptor, 'name', {
        value: `TransactionInterceptor(${name})`,
      });
      interceptor = ConnectionTransactionInterceptor;
      perConnection.set(name, interceptor);
    }
    return interceptor;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const { connection, autoFlush, ...transaction } = this.options;
    const orm = connectionNamed(connection);
    const streaming = this.reflector.get<boolean | undefined>(SSE_METADATA, context.getHandler());
    const reply = context
      .switchToHttp()
      .getResponse<{ raw?: ClosableResponse } & ClosableResponse>();
    const response: ClosableResponse = reply.raw ?? reply;

    return new Observable((subscriber) => {
      let handler: Subscription | undefined;
      let abort: ((reason: Error) => void) | undefined;
      let settled = false;
      const disconnected = () => {
        if (!response.writableFinished && !settled) {
          abort?.(
            new TransactionError(
              'The client disconnected before the response was sent; the transaction was rolled back',
              { sqlState: '57014' },
              false,
            ),
          );
        }
      };
      response.on('close', disconnected);
      const buffered: unknown[] = [];

      orm
        .transaction(
          transaction,
          () =>
            new Promise<void>((resolve, reject) => {
              abort = reject;
              // Called inside the transaction's scope: Nest binds the handler's async context here.
              handler = next.handle().subscribe({
                next: (value) => (streaming ? subscriber.next(value) : buffered.push(value)),
                error: reject,
                complete: () => {
                  // The request's unit of work is written before the commit, in the transaction.
                  // Only this connection's records: another connection's interceptor writes its own.
                  if (autoFlush) unitOfWork.flush({ connection: orm.name }).then(resolve, reject);
                  else resolve();
                },
              });
            }),
        )
        .then(
          () => {
            settled = true;
            for (const value of buffered) subscriber.next(value);
            subscriber.complete();
          },
          (error: unknown) => {
            settled = true;
            subscriber.error(error);
          },
        )
        .finally(() => response.off?.('close', disconnected));

      return () => {
        // Unsubscribed before the end (an event-stream client went away): roll back.
        if (!settled) {
          handler?.unsubscribe();
          abort?.(
            new TransactionError(
              'The response stream was closed before it ended; the transaction was rolled back',
              { sqlState: '57014' },
              false,
            ),
          );
        }
      };
    });
  }
}

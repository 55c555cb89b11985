import { PgliteDriver, type Driver, type QueryOptions, type QueryResult } from '../../lib';

/**
 * The embedded driver behind a driver of the application's: sessions, start and close go
 * through as they are; a subclass answers statements its own way (`query`).
 */
export abstract class WrappedPgliteDriver implements Driver {
  readonly kind = 'pglite' as const;
  readonly singleSession = true;

  constructor(
    readonly target: string,
    protected readonly inner = new PgliteDriver(),
  ) {}

  connect(): Promise<void> {
    return this.inner.connect();
  }

  acquire(): ReturnType<Driver['acquire']> {
    return this.inner.acquire();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  abstract query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
}

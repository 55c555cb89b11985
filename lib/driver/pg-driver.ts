import { Client, Pool, types as pgTypes, type PoolClient, type PoolConfig } from 'pg';
import { ConnectionError } from '../errors/connection-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { describeTarget } from './connection-target';
import type { Driver, DriverSession, QueryOptions, QueryResult } from './driver';
import {
  deadlineOf,
  firstResult,
  pooledStatement,
  sendStatement,
  statementFailure,
  type PgResult,
  type StatementBounds,
} from './pg-statement';
import type { QueryDeadline } from './query-deadline';
import { parseTimestamp } from './timestamp-text';
import { TYPE_OIDS } from './type-oids';
import { translateDatabaseError } from './translate-error';
// Transaction pooling (PgBouncer): what changes, and how a pooler is recognized.
import { pgbouncerFromUrl, TransactionBoundSession } from './pgbouncer-mode';
import { checkSessionSettingsApplied, pgbouncerHint } from './pooler-detection';

/** `pg-pool`'s words for a checkout that waited out its timeout in the queue… */
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';
/** …and for a new connection that the server did not accept within it. */
const CONNECT_TIMEOUT = 'Connection terminated due to connection timeout';

/**
 * Pool settings. `max`, `idleTimeoutMs` and `acquireTimeoutMs` apply to both drivers; the
 * time bounds and keepalive apply to a PostgreSQL server (PGlite runs in the process).
 * Every bound is in milliseconds; 0 turns it off.
 */
export interface PoolOptions {
  /** Most connections open at once (default 10). */
  max?: number;
  /** Close a connection idle this long (default 30 000 ms). */
  idleTimeoutMs?: number;
  /** Fail an acquire that waited this long for a connection (default 10 000 ms). */
  acquireTimeoutMs?: number;
  /**
   * The server cancels a statement running longer than this (`statement_timeout`; default
   * 60 000 ms); it fails with `QueryTimeoutError`. A transaction's `timeout` overrides it inside.
   */
  statementTimeoutMs?: number;
  /**
   * Stop waiting for an answer after this long, for a server or network that went silent
   * (default `statementTimeoutMs` + 5 000, so the server's own cancel normally comes first).
   * The statement fails with `QueryTimeoutError` and its connection is dropped.
   */
  queryTimeoutMs?: number;
  /**
   * The server ends a session left idle inside a transaction this long
   * (`idle_in_transaction_session_timeout`; default 60 000 ms): its locks are freed and the
   * transaction's next call fails with `ConnectionError`. Also bounds how long a `stream()`
   * keeps its connection while nobody reads the next batch.
   */
  idleInTransactionTimeoutMs?: number;
  /** TCP keepalive probes on every connection, to notice a dead peer (default true). */
  keepAlive?: boolean;
  /** Idle time before the first keepalive probe (default 10 000 ms). */
  keepAliveInitialDelayMs?: number;
  /**
   * The url is PgBouncer in transaction pooling mode (also `?pgbouncer=true` on the url):
   * nothing is set on a session, the time bounds are set inside each transaction the ORM
   * begins. See the README's "PgBouncer" section for what is bounded then.
   */
  pgbouncer?: boolean;
}

/** The time bounds a `PgDriver` applies, after defaults (0 = none). */
export interface PgTimeouts {
  readonly statementTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
  /** How long a stream's own connection waits for its reader to pull the next batch. */
  readonly streamIdleTimeoutMs: number;
}

const textArray = pgTypes.getTypeParser(TYPE_OIDS.textArray as never, 'text') as (
  value: string,
) => unknown[];

/** Parses every non-null element of a (possibly nested) array of timestamps. */
function timestampArray(value: string): unknown[] {
  const each = (items: unknown[]): unknown[] =>
    items.map((item) =>
      item === null ? null : Array.isArray(item) ? each(item) : parseTimestamp(item as string),
    );
  return each(textArray(value));
}

/**
 * `date` columns stay `YYYY-MM-DD` strings: a calendar day has no time zone, and turning it
 * into a local-midnight Date shifts it by the process's offset. Intervals stay the server's
 * text, as PGlite gives them (the column turns it into an ISO 8601 duration): node-postgres's
 * own interval object drops microseconds. Timestamps go through the parser PGlite and the
 * one-statement includes use (node-postgres's reads years 0–99 as 19xx).
 */
const typeParsers: PoolConfig['types'] = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case TYPE_OIDS.date:
      case TYPE_OIDS.interval:
        return (value: string) => value;
      case TYPE_OIDS.intervalArray:
        return textArray;
      case TYPE_OIDS.timestamp:
      case TYPE_OIDS.timestamptz:
        return parseTimestamp;
      case TYPE_OIDS.timestampArray:
      case TYPE_OIDS.timestamptzArray:
        return timestampArray;
      default:
        return pgTypes.getTypeParser(oid, format as 'text');
    }
  }) as never,
};

/**
 * The driver for a PostgreSQL server, over a `pg` pool.
 *
 * @example
 * const orm = await Orm.connect({ driver: new PgDriver('postgres://localhost/app'), models: [User] });
 */
export class PgDriver implements Driver {
  readonly kind = 'pg';
  readonly singleSession = false;
  readonly target: string;

  readonly timeouts: PgTimeouts;
  /** Connected through PgBouncer in transaction pooling mode (`pool.pgbouncer`, `?pgbouncer=true`). */
  readonly pgbouncer: boolean;
  private readonly pool: Pool;
  private readonly clientConfig: PoolConfig;
  /** The bounds of a statement on a pooled connection, and on an unbounded session's own. */
  private readonly bounds: StatementBounds;
  private readonly unboundedStatements: StatementBounds;
  /** Connections of unbounded sessions, opened beside the pool; ended by `close()`. */
  private readonly ownClients = new Set<Client>();

  constructor(url: string, options: PoolOptions & { applicationName?: string } = {}) {
    const fromUrl = pgbouncerFromUrl(url);
    url = fromUrl.url;
    if (options.pgbouncer !== undefined && typeof options.pgbouncer !== 'boolean') {
      throw new InvalidQueryError('Invalid pool option: pgbouncer must be true or false');
    }
    this.pgbouncer = options.pgbouncer ?? fromUrl.pgbouncer ?? false;
    this.target = describeTarget(url);
    const statementTimeoutMs = bound(options, 'statementTimeoutMs', 60_000);
    const idleInTransactionTimeoutMs = bound(options, 'idleInTransactionTimeoutMs', 60_000);
    const queryTimeoutMs = bound(
      options,
      'queryTimeoutMs',
      statementTimeoutMs ? statementTimeoutMs + 5_000 : 0,
    );
    this.timeouts = {
      statementTimeoutMs,
      queryTimeoutMs,
      idleInTransactionTimeoutMs,
      streamIdleTimeoutMs: idleInTransactionTimeoutMs || queryTimeoutMs,
    };
    this.clientConfig = {
      connectionString: url,
      max: options.max ?? 10,
      idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? 'nestjs-active-record',
      types: typeParsers,
      // pg reads 0 as "not set", which leaves the server's own setting in place. PgBouncer
      // refuses them at connect: there each transaction gets them instead.
      statement_timeout: (!this.pgbouncer && statementTimeoutMs) || undefined,
      idle_in_transaction_session_timeout:
        (!this.pgbouncer && idleInTransactionTimeoutMs) || undefined,
      keepAlive: options.keepAlive ?? true,
      keepAliveInitialDelayMillis: bound(options, 'keepAliveInitialDelayMs', 10_000),
    };
    this.bounds = { target: this.target, queryTimeoutMs };
    this.unboundedStatements = { target: this.target, queryTimeoutMs: 0 };
    this.pool = new Pool(this.clientConfig);
    // An idle connection the server closed is dropped by the pool; without a listener the
    // 'error' event would crash the process.
    this.pool.on('error', () => undefined);
    // The same for a checked-out connection, which the pool stops listening to: a statement
    // hears of the failure through its callback, a session through a listener of its own.
    this.pool.on('connect', (client) => {
      client.on('error', () => undefined);
      this.openConnections++;
    });
    this.pool.on('remove', () => this.openConnections--);
  }

  get streamIdleTimeoutMs(): number {
    return this.timeouts.streamIdleTimeoutMs;
  }

  async connect(): Promise<void> {
    try {
      // Bounded like any statement: the sessions' own bound (QueryDeadline) is not on the pool.
      await this.pool.query({
        text: 'SELECT 1',
        query_timeout: this.timeouts.queryTimeoutMs || undefined,
      } as never);
    } catch (error) {
      // Server messages here name the user or database, never the password.
      const { code, message } = error as { code?: string; message?: string };
      const reason = [message, code && `(${code})`].filter(Boolean).join(' ') || 'unknown error';
      throw new ConnectionError(
        `Could not connect to PostgreSQL at ${this.target}: ${reason}${pgbouncerHint(message)}`,
        this.target,
      );
    }
    if (!this.pgbouncer && this.timeouts.statementTimeoutMs) {
      await checkSessionSettingsApplied(this, this.target);
    }
  }

  query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    // On a connection of its own rather than by pool.query, which drops the connection after
    // any failed statement: a constraint violation or a statement timeout leaves it usable.
    if (!this.pgbouncer) {
      return pooledStatement<Row>(
        this.pool,
        text,
        values,
        this.bounds,
        this.acquireFailure,
        options,
      );
    }
    return this.queryInSession(text, values, options);
  }

  /** Through PgBouncer, by a session: it is the session that adds the bounds to a BEGIN. */
  private async queryInSession<Row>(
    text: string,
    values: readonly unknown[],
    options: QueryOptions | undefined,
  ): Promise<QueryResult<Row>> {
    const session = await this.acquire();
    try {
      return await session.query<Row>(text, values, options);
    } finally {
      session.release();
    }
  }

  async acquire(options: { unbounded?: boolean } = {}): Promise<DriverSession> {
    let client: PoolClient;
    try {
      client = options.unbounded ? await this.ownClient() : await this.pool.connect();
    } catch (error) {
      throw options.unbounded
        ? translateDatabaseError(error, undefined, this.target)
        : this.acquireFailure(error as Error);
    }
    if (this.pgbouncer) {
      // Nothing set on the session: a later client of its server connection would inherit it.
      const bounds = options.unbounded
        ? { statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0 }
        : this.timeouts;
      return new TransactionBoundSession(
        new PgSession(
          client,
          options.unbounded ? this.unboundedStatements : this.bounds,
          !!options.unbounded,
        ),
        bounds,
      );
    }
    if (!options.unbounded) return new PgSession(client, this.bounds);
    const session = new PgSession(client, this.unboundedStatements, true);
    await session.query('SET statement_timeout = 0', []);
    await session.query('SET idle_in_transaction_session_timeout = 0', []);
    return session;
  }

  /** Connections of the pool that are open (not those still connecting). */
  private openConnections = 0;

  /**
   * A checkout from the pool that failed: no connection free in time (`pg-pool` words a wait
   * in its queue so), or a new connection that failed or that the server did not accept in time.
   */
  private readonly acquireFailure = (error: Error): Error => {
    const translated = translateDatabaseError(error, undefined, this.target);
    if (!(translated instanceof ConnectionError)) return translated;
    const bound = `${this.pool.options.connectionTimeoutMillis} ms (pool.acquireTimeoutMs)`;
    // A wait in the queue of a pool with no open connection is a server that does not let the
    // pool connect, not a pool too small.
    if (
      error.message === CONNECT_TIMEOUT ||
      (error.message === POOL_WAIT_TIMEOUT && this.openConnections === 0)
    ) {
      return new ConnectionError(
        `PostgreSQL at ${this.target} did not accept a new connection within ${bound}: ` +
          'the server, or the network to it, is down or overloaded',
        this.target,
      );
    }
    if (error.message !== POOL_WAIT_TIMEOUT) return translated;
    return new ConnectionError(
      `No connection to ${this.target} became free within ${bound} in a pool of ` +
        `${this.pool.options.max}: raise pool.max or shorten transactions`,
      this.target,
    );
  };

  async close(): Promise<void> {
    for (const client of this.ownClients) await client.end().catch(() => undefined);
    if (!this.pool.ended) await this.pool.end();
  }

  /**
   * A connection beside the pool, for an unbounded session: such a session is never reused
   * (its bounds were lifted), and work that may run for minutes (migrations, which hold one
   * session for their lock and one for their statements) must not take the app's
   * connections, nor wait for them with a pool of one.
   */
  private async ownClient(): Promise<PoolClient> {
    const client = new Client(this.clientConfig);
    client.on('error', () => undefined);
    await client.connect();
    this.ownClients.add(client);
    const release = () => {
      this.ownClients.delete(client);
      void client.end().catch(() => undefined);
    };
    return Object.assign(client, { release }) as unknown as PoolClient;
  }
}

/** A non-negative integer option, or its default. */
function bound(options: PoolOptions, key: keyof PoolOptions, fallback: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidQueryError(`Invalid pool option: ${key} must be a non-negative integer`);
  }
  return value;
}

/**
 * One checked-out connection. It listens for the connection's end while its holder is between
 * statements (a terminated backend, an idle-in-transaction timeout, a server restart): the
 * connection goes back to the pool as broken at once, so the pool replaces it even if the holder
 * never returns, and the holder's next call fails with `ConnectionError`.
 */
class PgSession implements DriverSession {
  private released = false;
  /** Why the connection can no longer be used, once it cannot. */
  private lost?: string;
  private readonly onError = (error: Error) =>
    this.drop(translateDatabaseError(error, undefined, this.bounds.target).message);
  private readonly deadline: QueryDeadline | undefined;

  constructor(
    private readonly client: PoolClient,
    private readonly bounds: StatementBounds,
    /** Its time bounds were lifted: discarded on release instead of going back to the pool. */
    private readonly unbounded = false,
  ) {
    client.on('error', this.onError);
    this.deadline = deadlineOf(client, bounds.queryTimeoutMs);
  }

  async query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    if (this.lost !== undefined) {
      throw new ConnectionError(
        `The connection to PostgreSQL at ${this.bounds.target} was lost while this session held it ` +
          `(${this.lost}); its transaction or cursor is gone, run the work again`,
        this.bounds.target,
      );
    }
    try {
      return firstResult<Row>(await this.send(text, values, options), options);
    } catch (error) {
      const failure = statementFailure(error, text, this.bounds);
      if (failure.breaksConnection) this.drop(failure.error.message);
      throw failure.error;
    }
  }

  private send(
    text: string,
    values: readonly unknown[],
    options: QueryOptions | undefined,
  ): Promise<PgResult | PgResult[]> {
    return new Promise((resolve, reject) =>
      sendStatement(this.client, this.deadline, text, values, options, (error, result) =>
        error ? reject(error) : resolve(result!),
      ),
    );
  }

  release(broken = false): void {
    if (this.released) return;
    this.released = true;
    this.client.release(broken || this.unbounded || this.lost !== undefined);
    // The pool listens again from here on; a reused client must not keep this session's listener.
    this.client.removeListener('error', this.onError);
  }

  private drop(reason: string): void {
    this.lost ??= reason;
    this.release(true);
  }
}

import { Pool, types as pgTypes, type PoolClient, type PoolConfig } from 'pg';
import { ConnectionError } from '../errors/connection-error';
import { describeTarget } from './connection-target';
import type { Driver, DriverSession, QueryResult } from './driver';
import { translateDatabaseError } from './translate-error';

/** Pool settings shared by both drivers. */
export interface PoolOptions {
  /** Most connections open at once (default 10). */
  max?: number;
  /** Close a connection idle this long (default 30 000 ms). */
  idleTimeoutMs?: number;
  /** Fail an acquire that waited this long for a connection (default 10 000 ms). */
  acquireTimeoutMs?: number;
}

const DATE_OID = 1082;

/**
 * `date` columns stay `YYYY-MM-DD` strings: a calendar day has no time zone, and turning it
 * into a local-midnight Date shifts it by the process's offset.
 */
const typeParsers: PoolConfig['types'] = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID
      ? (value: string) => value
      : pgTypes.getTypeParser(oid, format as 'text')) as never,
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
  private readonly pool: Pool;

  constructor(url: string, options: PoolOptions & { applicationName?: string } = {}) {
    this.target = describeTarget(url);
    this.pool = new Pool({
      connectionString: url,
      max: options.max ?? 10,
      idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? 'nestjs-active-record',
      types: typeParsers,
    });
    // An idle connection the server closed is dropped by the pool; without a listener the
    // 'error' event would crash the process.
    this.pool.on('error', () => undefined);
  }

  async connect(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      // Server messages here name the user or database, never the password.
      const { code, message } = error as { code?: string; message?: string };
      const reason = [message, code && `(${code})`].filter(Boolean).join(' ') || 'unknown error';
      throw new ConnectionError(
        `Could not connect to PostgreSQL at ${this.target}: ${reason}`,
        this.target,
      );
    }
  }

  async query<Row>(text: string, values: readonly unknown[]): Promise<QueryResult<Row>> {
    try {
      const result = await this.pool.query(text, values as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      throw translateDatabaseError(error, text, this.target);
    }
  }

  async acquire(): Promise<DriverSession> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const translated = translateDatabaseError(error, undefined, this.target);
      if (translated instanceof ConnectionError && /timeout/i.test((error as Error).message)) {
        throw new ConnectionError(
          `No connection to ${this.target} became free within the acquire timeout ` +
            `(pool of ${this.pool.options.max}): raise pool.max or shorten transactions`,
          this.target,
        );
      }
      throw translated;
    }
    return new PgSession(client, this.target);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

class PgSession implements DriverSession {
  private released = false;

  constructor(
    private readonly client: PoolClient,
    private readonly target: string,
  ) {}

  async query<Row>(text: string, values: readonly unknown[]): Promise<QueryResult<Row>> {
    try {
      const result = await this.client.query(text, values as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      throw translateDatabaseError(error, text, this.target);
    }
  }

  release(broken = false): void {
    if (this.released) return;
    this.released = true;
    this.client.release(broken);
  }
}

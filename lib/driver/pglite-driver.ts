import type { PGlite } from '@electric-sql/pglite' with { 'resolution-mode': 'import' };
import { ConnectionError } from '../errors/connection-error';
import { QueryError } from '../errors/database-errors';
import { DataDirLock } from './data-dir-lock';
import type { Driver, DriverSession, QueryOptions, QueryResult } from './driver';
import { PgliteSnapshotCache } from './pglite-snapshot-cache';
import { PgliteTransactionDeadline } from './pglite-transaction-deadline';
import { SessionLock } from './session-lock';
import { formatTimestamp, parseTimestamp } from './timestamp-text';
import { TYPE_OIDS } from './type-oids';
import { translateDatabaseError } from './translate-error';

export interface PgliteDriverOptions {
  /**
   * Keep the database in this folder; in memory when omitted. The folder is held by this driver
   * alone until `close()`: a second opener, in this process or another, gets DataDirLockedError.
   */
  dataDir?: string;
  /** Use an existing PGlite instance (the driver then does not close it). */
  instance?: PGlite;
  /** Fail a statement that waited this long for the single session (default 10 000 ms). */
  acquireTimeoutMs?: number;
  /**
   * Start the in-memory database from this data directory (a `snapshot()` of another one, with
   * its schema and rows) instead of an empty one.
   */
  snapshot?: Blob;
  /**
   * Where a new in-memory database finds a freshly initialized data directory to start from,
   * instead of running `initdb` (seconds) each time: a cache in the temp folder by default;
   * `false` runs `initdb` every time.
   */
  snapshotCache?: PgliteSnapshotCache | false;
}

/** The cache key of a data directory just out of `initdb`, nothing in it yet. */
const FRESH_CLUSTER = 'initdb';

let sharedCache: PgliteSnapshotCache | undefined;

/**
 * bytea as a Buffer, as node-postgres gives it (PGlite's own parser gives a Uint8Array); PGlite
 * applies it to the items of bytea[] too. The server prints hex unless `bytea_output` is
 * `escape`: octal escapes for the other bytes.
 */
function byteaBuffer(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      bytes.push(text.charCodeAt(i));
    } else if (text[i + 1] === '\\') {
      bytes.push(92);
      i++;
    } else {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}

/**
 * The driver for embedded PostgreSQL (PGlite): no server, in memory or in a folder.
 * PGlite has one session, so statements are queued; a transaction holds the session.
 *
 * @example
 * const orm = await Orm.connect({ driver: new PgliteDriver({ dataDir: '.data/pg' }) });
 */
export class PgliteDriver implements Driver {
  readonly kind = 'pglite';
  readonly singleSession = true;
  readonly target: string;
  private db?: PGlite;
  private dataDirLock?: DataDirLock;
  private readonly lock: SessionLock;
  private readonly ownsInstance: boolean;

  constructor(private readonly options: PgliteDriverOptions = {}) {
    this.target = options.dataDir ? `pglite:${options.dataDir}` : 'pglite:memory';
    this.lock = new SessionLock(options.acquireTimeoutMs ?? 10_000, this.target);
    this.db = options.instance;
    this.ownsInstance = !options.instance;
  }

  async connect(): Promise<void> {
    if (this.db) return this.db.waitReady;
    const directory = localDirectory(this.options.dataDir);
    // Before PGlite touches the files: two processes writing one directory corrupt it.
    if (directory) this.dataDirLock = DataDirLock.acquire(directory, this.target);
    try {
      this.db = this.inMemory ? await this.startInMemory() : await this.start(undefined);
    } catch (error) {
      this.dataDirLock?.release();
      this.dataDirLock = undefined;
      throw new ConnectionError(
        `Could not start embedded PostgreSQL (${this.target}): ${(error as Error).message}`,
        this.target,
      );
    }
  }

  /**
   * The data directory of this in-memory database, schema and rows, to start others from
   * (`new PgliteDriver({ snapshot })`). Taken between statements, never inside a transaction.
   */
  async snapshot(): Promise<Blob> {
    if (!this.inMemory) {
      throw new ConnectionError(
        `Only an in-memory database can be copied into a snapshot (${this.target})`,
        this.target,
      );
    }
    await this.lock.acquire();
    try {
      const db = this.db;
      if (!db) throw new ConnectionError(`${this.target} is not started`, this.target);
      return await db.dumpDataDir('none');
    } finally {
      this.lock.release();
    }
  }

  private get inMemory(): boolean {
    const dataDir = this.options.dataDir;
    return !this.options.instance && (!dataDir || dataDir.startsWith('memory://'));
  }

  /** From the given snapshot, or from a cached fresh cluster (made and cached the first time). */
  private async startInMemory(): Promise<PGlite> {
    if (this.options.snapshot) return this.start(this.options.snapshot);
    const cache =
      this.options.snapshotCache === false
        ? undefined
        : (this.options.snapshotCache ?? (sharedCache ??= new PgliteSnapshotCache()));
    const cached = await cache?.load(FRESH_CLUSTER).catch(() => undefined);
    if (cached) {
      try {
        return await this.start(cached);
      } catch {
        // Written by an incompatible PGlite, or damaged: initdb again, and replace it.
        await cache!.forget(FRESH_CLUSTER).catch(() => undefined);
      }
    }
    const db = await this.start(undefined);
    if (cache) await cache.save(FRESH_CLUSTER, await db.dumpDataDir('none'));
    return db;
  }

  private async start(snapshot: Blob | undefined): Promise<PGlite> {
    const { PGlite } = await import('@electric-sql/pglite');
    // Parsers match node-postgres so both drivers hydrate the same values:
    // int8 as a string (exact), date as a YYYY-MM-DD string, bytea as a Buffer, timestamps
    // through the same parser, Dates written as node-postgres writes them.
    // Options go in one object: PGlite drops a second argument when the first is undefined.
    const db = new PGlite({
      dataDir: this.options.dataDir,
      ...(snapshot ? { loadDataDir: snapshot } : {}),
      parsers: {
        [TYPE_OIDS.int8]: (value: string) => value,
        [TYPE_OIDS.date]: (value: string) => value,
        [TYPE_OIDS.bytea]: byteaBuffer,
        [TYPE_OIDS.timestamptz]: parseTimestamp,
        [TYPE_OIDS.timestamp]: parseTimestamp,
      },
      serializers: {
        [TYPE_OIDS.timestamptz]: (value: unknown) => formatTimestamp(value, 'utc'),
        [TYPE_OIDS.timestamp]: (value: unknown) => formatTimestamp(value, 'local'),
      },
    });
    try {
      await db.waitReady;
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
    return db;
  }

  async query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    await this.lock.acquire();
    try {
      return await this.run<Row>(text, values, options);
    } finally {
      this.lock.release();
    }
  }

  async acquire(): Promise<DriverSession> {
    await this.lock.acquire();
    return new PgliteSession(this, this.lock);
  }

  /**
   * Runs a statement; the caller holds the session lock. PGlite answers all rows at once, so
   * it shows none to a row listener.
   */
  async run<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    const db = this.db;
    if (!db)
      throw new ConnectionError(
        `Embedded PostgreSQL (${this.target}) is not started or was closed`,
        this.target,
      );
    refuseTimeoutThatHangs(text);
    try {
      if (options?.arrays) {
        const result = await db.query<Row>(text, values as unknown[], { rowMode: 'array' });
        return {
          rows: result.rows,
          rowCount: Math.max(result.affectedRows ?? 0, result.rows.length),
          fields: result.fields.map((field) => field.name),
        };
      }
      const result = await db.query<Row>(text, values as unknown[]);
      return {
        rows: result.rows,
        rowCount: Math.max(result.affectedRows ?? 0, result.rows.length),
      };
    } catch (error) {
      throw translateDatabaseError(error, text, this.target);
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    try {
      if (db && this.ownsInstance && !db.closed) await db.close();
    } finally {
      this.dataDirLock?.release();
      this.dataDirLock = undefined;
    }
  }
}

/**
 * PGlite (0.5) spins forever, at full CPU, once one of these timeouts fires, so setting one is
 * refused. (It ignores statement_timeout, which is harmless.)
 */
function refuseTimeoutThatHangs(text: string): void {
  const setting =
    /\b(transaction_timeout|idle_in_transaction_session_timeout|idle_session_timeout)\b\s*(?:=|\bto\b|',)\s*'?\s*([^\s',;)]+)/i.exec(
      text,
    );
  if (!setting || /^(0+\D*|default)$/i.test(setting[2] ?? '')) return;
  throw new QueryError(
    `PGlite hangs for good when ${setting[1]} fires, so it cannot be set on embedded PostgreSQL; ` +
      'leave it at 0 (use transaction({ timeout }) to bound a transaction)',
    { sqlState: '0A000', sql: text },
  );
}

/** The folder PGlite will write, or undefined in memory (PGlite's own reading of dataDir). */
function localDirectory(dataDir: string | undefined): string | undefined {
  if (!dataDir || dataDir.startsWith('memory://')) return undefined;
  if (/^(idb|opfs-ahp|memfs2opfs):\/\//.test(dataDir)) return undefined;
  return dataDir.startsWith('file://') ? dataDir.slice('file://'.length) : dataDir;
}

class PgliteSession implements DriverSession {
  private released = false;
  private readonly deadline = new PgliteTransactionDeadline();

  constructor(
    private readonly driver: PgliteDriver,
    private readonly lock: SessionLock,
  ) {}

  query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    if (this.released) {
      return Promise.reject(
        new ConnectionError('This session was already released', this.driver.target),
      );
    }
    return this.deadline.run(
      text,
      () => this.driver.run<Row>(text, values, options),
      () => this.driver.run('ROLLBACK', []),
    );
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.lock.release();
  }
}

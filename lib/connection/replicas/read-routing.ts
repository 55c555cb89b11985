import type { Statement } from '../../context/connection';
import type { Driver, DriverSession, QueryResult } from '../../driver/driver';
import {
  CURRENT_WAL_POSITION_SQL,
  formatWalPosition,
  parseWalPosition,
} from '../../driver/wal-position';
import { ConfigurationError } from '../../errors/configuration-error';
import type { OrmOptions } from '../orm-options';
import type { Replica } from './replica';
import { ReplicaSet } from './replica-set';
import type { ReplicaStatus } from './replica-status';
import { WritePositions } from './write-positions';

/** The statement that reads where the primary's WAL stands, right after a write. */
const CURRENT_POSITION: Statement = { text: CURRENT_WAL_POSITION_SQL, values: [] };

/** Sends a statement with the connection's query events (which name the replica, if any). */
export type Send = <Row>(
  target: Driver | DriverSession,
  statement: Statement,
  replica?: Replica,
) => Promise<QueryResult<Row>>;

/** Past every real position: the context's reads go to the primary (where its write ended is unknown). */
const UNKNOWN = (1n << 64n) - 1n;

/**
 * Read routing of a connection with replicas: which replica may answer a read of the current
 * context (one that has replayed the context's last write), and the positions writes reached.
 */
export class ReadRouting {
  private readonly positions = new WritePositions();
  /** Transactions that sent something other than reads: their commit's position is noted. */
  private readonly writers = new WeakSet<object>();

  private constructor(
    private readonly set: ReplicaSet,
    private readonly primary: Driver,
    private readonly send: Send,
  ) {}

  /**
   * Opens the replicas' pools and checks each once (after `check`); a replica that is down
   * starts out of rotation, with a warning, and is tried again later.
   */
  static async open(options: OrmOptions, primary: Driver, send: Send): Promise<ReadRouting> {
    const set = new ReplicaSet(options.replicas!, options.pool ?? {}, primary, {
      maxLagMs: options.maxReplicaLagMs ?? 5_000,
      checkIntervalMs: options.replicaCheckIntervalMs ?? 1_000,
      onChange:
        options.onReplicaChange ??
        ((change) => {
          if (!change.inRotation) process.emitWarning(change.message, 'ReplicaWarning');
        }),
    });
    await set.start();
    return new ReadRouting(set, primary, send);
  }

  /**
   * Throws `ConfigurationError` when the replica options cannot work with this driver; called
   * before anything is opened.
   */
  static check(options: OrmOptions, driver: Driver): void {
    const { replicas, maxReplicaLagMs, replicaCheckIntervalMs } = options;
    if (!Array.isArray(replicas) || replicas.some((url) => typeof url !== 'string' || !url)) {
      throw new ConfigurationError('replicas must be a list of postgres:// connection strings');
    }
    if (replicas.length && driver.kind !== 'pg') {
      throw new ConfigurationError(
        'Read replicas need a PostgreSQL server: set url (embedded PostgreSQL has no replicas)',
      );
    }
    for (const [name, value] of [
      ['maxReplicaLagMs', maxReplicaLagMs],
      ['replicaCheckIntervalMs', replicaCheckIntervalMs],
    ] as const) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
        throw new ConfigurationError(`${name} must be a positive integer (milliseconds)`);
      }
    }
  }

  /** A read outside a transaction: a replica that has the context's writes, else the primary. */
  async read<Row>(statement: Statement): Promise<QueryResult<Row>> {
    const replica = await this.pick();
    if (replica) {
      try {
        return await this.send<Row>(replica.driver, statement, replica);
      } catch (error) {
        // Only reads get here: running one again on the primary cannot write twice.
        if (!this.set.readFailed(replica, error)) throw error;
      }
    }
    return this.send<Row>(this.primary, statement);
  }

  /** Anything else outside a transaction: the primary, noting where its WAL stands afterwards. */
  async write<Row>(statement: Statement): Promise<QueryResult<Row>> {
    const session = await this.primary.acquire();
    try {
      const result = await this.send<Row>(session, statement);
      await this.notePosition(session);
      return result;
    } finally {
      session.release();
    }
  }

  /** Something other than a read was sent in `transaction`: its commit's position counts. */
  wrote(transaction: object): void {
    this.writers.add(transaction);
  }

  /** After COMMIT, on the committed session: notes the position if the transaction wrote. */
  async committed(session: DriverSession, transaction: object): Promise<void> {
    if (this.writers.has(transaction)) await this.notePosition(session);
  }

  /** The replica for a read of the current context, or undefined for the primary. */
  private pick(): Promise<Replica | undefined> {
    const needed = this.positions.current();
    if (needed === UNKNOWN) return Promise.resolve(undefined);
    return this.set.pick(needed);
  }

  /**
   * Notes where the primary's WAL stands on `session`, right after its write committed: every
   * later read of this context must see at least that much.
   */
  private async notePosition(session: DriverSession): Promise<void> {
    try {
      const { rows } = await this.send<{ position?: unknown }>(session, CURRENT_POSITION);
      this.positions.note(parseWalPosition(rows[0]?.position) ?? UNKNOWN);
    } catch {
      // The write went through; where it ended is unknown, so this context reads the primary.
      this.positions.note(UNKNOWN);
    }
  }

  /** `X/Y` of the current context's last write (or of a position it was told to see). */
  writePosition(): string | undefined {
    const position = this.positions.current();
    return position === undefined || position === UNKNOWN ? undefined : formatWalPosition(position);
  }

  /** The current context's reads must see `position` (a client's last write, say). */
  readAfter(position: bigint): void {
    this.positions.note(position);
  }

  status(): ReplicaStatus[] {
    return this.set.status();
  }

  close(): Promise<void> {
    return this.set.close();
  }
}

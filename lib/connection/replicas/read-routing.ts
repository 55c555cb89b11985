import type { Driver, DriverSession } from '../../driver/driver';
import { formatWalPosition, parseWalPosition } from '../../driver/wal-position';
import { ConfigurationError } from '../../errors/configuration-error';
import type { OrmOptions } from '../orm-options';
import type { Replica } from './replica';
import { ReplicaSet } from './replica-set';
import type { ReplicaStatus } from './replica-status';
import { WritePositions } from './write-positions';

/** The statement that reads where the primary's WAL stands, right after a write. */
export const CURRENT_POSITION = {
  text: 'SELECT pg_current_wal_lsn()::text AS position',
  values: [] as const,
};

/** Past every real position: the context's reads go to the primary (its last write's position is unknown). */
const UNKNOWN = (1n << 64n) - 1n;

/**
 * Read routing of a connection with replicas: which replica may answer a read of the current
 * context (one that has replayed the context's last write), and the positions writes reached.
 */
export class ReadRouting {
  private readonly positions = new WritePositions();
  /** Transactions that sent something other than reads: their commit's position is noted. */
  private readonly writers = new WeakSet<object>();

  private constructor(readonly set: ReplicaSet) {}

  /**
   * Checks the options (before anything is opened) and opens the replicas' pools; a replica
   * that is down starts out of rotation, with a warning, and is tried again later.
   */
  static async open(options: OrmOptions, primary: Driver): Promise<ReadRouting> {
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
    return new ReadRouting(set);
  }

  /** Throws `ConfigurationError` when the replica options cannot work with this driver. */
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

  /** The replica for a read of the current context, or undefined for the primary. */
  pick(): Promise<Replica | undefined> {
    const needed = this.positions.current();
    if (needed === UNKNOWN) return Promise.resolve(undefined);
    return this.set.pick(needed);
  }

  wrote(transaction: object): void {
    this.writers.add(transaction);
  }

  wroteIn(transaction: object): boolean {
    return this.writers.has(transaction);
  }

  /**
   * Notes where the primary's WAL stands on `session`, right after its write committed: every
   * later read of this context must see at least that much.
   */
  async notePosition(
    session: DriverSession,
    send: (session: DriverSession) => Promise<{ rows: Array<{ position?: unknown }> }>,
  ): Promise<void> {
    try {
      const { rows } = await send(session);
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

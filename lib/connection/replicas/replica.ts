import { describeTarget } from '../../driver/connection-target';
import { PgDriver, type PoolOptions } from '../../driver/pg-driver';
import { parseWalPosition } from '../../driver/wal-position';

/** Why a replica is out of rotation before its first check (no warning is given for it). */
export const NOT_CHECKED = 'not checked yet';

/**
 * One read replica: its own pool, whether it is in rotation (and why not), and the last replay
 * position it reported. The position is cached: a read that needs an older one asks nothing.
 */
export class Replica {
  readonly driver: PgDriver;
  readonly target: string;
  /** The last `pg_last_wal_replay_lsn()` seen; 0 before the first answer. */
  replayed = 0n;
  /** Whether the server said it is a standby (`pg_is_in_recovery()`) at the last refresh. */
  recovering = false;
  inRotation = false;
  /** Why it is out of rotation (undefined while in). */
  reason?: string = NOT_CHECKED;
  /** How far behind the primary it was at the last check, in ms. */
  lagMs?: number;
  /** Failures in a row, for the backoff before the next try. */
  failures = 0;
  /** Not tried again before this time (ms since epoch). */
  retryAt = 0;
  private refreshing?: Promise<bigint>;

  constructor(url: string, pool: PoolOptions) {
    this.target = describeTarget(url);
    this.driver = new PgDriver(url, { ...pool, applicationName: 'nestjs-active-record replica' });
  }

  /**
   * Asks the replica where its replay stands (one round trip, about 0.1 ms on a local server);
   * callers arriving while a refresh is on its way share it.
   */
  refresh(): Promise<bigint> {
    this.refreshing ??= this.readPosition().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readPosition(): Promise<bigint> {
    const { rows } = await this.driver.query<{ recovering: boolean; position: string | null }>(
      'SELECT pg_is_in_recovery() AS recovering, pg_last_wal_replay_lsn()::text AS position',
      [],
    );
    const row = rows[0]!;
    this.recovering = row.recovering;
    const position = parseWalPosition(row.position) ?? 0n;
    if (position > this.replayed) this.replayed = position;
    return this.replayed;
  }
}

import type { Driver } from '../../driver/driver';
import type { PoolOptions } from '../../driver/pg-driver';
import { CURRENT_WAL_POSITION_SQL, parseWalPosition } from '../../driver/wal-position';
import { ConnectionError } from '../../errors/connection-error';
import { TransactionError } from '../../errors/database-errors';
import { QueryTimeoutError } from '../../errors/query-timeout-error';
import { NOT_CHECKED, Replica } from './replica';
import type { ReplicaChange, ReplicaStatus } from './replica-status';

export interface ReplicaSetOptions {
  /** A replica further behind the primary than this leaves rotation until it catches up. */
  readonly maxLagMs: number;
  /** How often the primary's position and each replica's replay are compared. */
  readonly checkIntervalMs: number;
  readonly onChange: (change: ReplicaChange) => void;
}

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

/**
 * The replicas of one connection: which may answer a read, lag measured against the primary,
 * faults taken out of rotation and tried again with backoff.
 *
 * Lag is measured in time without trusting clocks or transaction timestamps: every check notes
 * the primary's `pg_current_wal_lsn()` and when it was read; a replica's lag is the age of the
 * oldest noted position it has not replayed yet (0 when it has replayed them all). An idle
 * primary therefore never makes an up-to-date replica look late.
 */
export class ReplicaSet {
  readonly replicas: Replica[];
  private next = 0;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  /** Positions of the primary, oldest first, with when they were read (ms since epoch). */
  private readonly samples: Array<{ at: number; position: bigint }> = [];

  constructor(
    urls: readonly string[],
    pool: PoolOptions,
    private readonly primary: Driver,
    private readonly options: ReplicaSetOptions,
  ) {
    this.replicas = urls.map((url) => new Replica(url, pool));
  }

  /** Checks every replica once (a replica that is down only stays out), then keeps checking. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(
      () => void this.check().catch(() => undefined),
      this.options.checkIntervalMs,
    );
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await Promise.all(this.replicas.map((replica) => replica.driver.close()));
  }

  /**
   * A replica in rotation that has replayed `needed` (any one in rotation when undefined), in
   * turn; undefined sends the read to the primary. A cached position at or past `needed`
   * answers at once; otherwise the replicas are asked once where they stand.
   */
  async pick(needed?: bigint): Promise<Replica | undefined> {
    const count = this.replicas.length;
    const start = this.next++ % count;
    let behind = false;
    for (let i = 0; i < count; i++) {
      const replica = this.replicas[(start + i) % count]!;
      if (!replica.inRotation) continue;
      if (needed === undefined || replica.replayed >= needed) return replica;
      behind = true;
    }
    if (!behind) return undefined;
    const answers = await Promise.all(
      this.replicas.map((replica) =>
        replica.inRotation ? replica.refresh().catch(() => 0n) : Promise.resolve(0n),
      ),
    );
    for (let i = 0; i < count; i++) {
      const index = (start + i) % count;
      if (this.replicas[index]!.inRotation && answers[index]! >= needed!) {
        return this.replicas[index];
      }
    }
    return undefined;
  }

  /**
   * A read on `replica` failed with `error`: true when the read should run again on the primary
   * (the replica is unreachable or stopped answering — then it leaves rotation — or canceled the
   * read because of a conflict with recovery); false when the error is the read's own and would
   * recur anywhere (a constraint, a bad statement, the server's own statement timeout).
   */
  readFailed(replica: Replica, error: unknown): boolean {
    // Unreachable, or silent past the pool's queryTimeoutMs (the client gave up, not the server).
    const silent = error instanceof QueryTimeoutError && error.timeoutMs !== undefined;
    if (error instanceof ConnectionError || silent) {
      // Reads in flight when it went away all fail: the first takes it out, one backoff step.
      if (replica.inRotation) this.takeOut(replica, `a read failed: ${error.message}`, true);
      return true;
    }
    // SQLSTATE 40001 on a standby: canceled because replay needed what the read was using.
    return error instanceof TransactionError && error.retryable;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((replica) => ({
      target: replica.target,
      inRotation: replica.inRotation,
      ...(replica.reason !== undefined ? { reason: replica.reason } : {}),
      ...(replica.lagMs !== undefined ? { lagMs: replica.lagMs } : {}),
    }));
  }

  /** One round of checks; concurrent callers share it. */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async checkAll(): Promise<void> {
    await this.samplePrimary();
    const now = Date.now();
    await Promise.all(
      this.replicas.map((replica) =>
        replica.inRotation || now >= replica.retryAt ? this.checkOne(replica) : undefined,
      ),
    );
  }

  private async samplePrimary(): Promise<void> {
    try {
      const { rows } = await this.primary.query<{ position: string }>(CURRENT_WAL_POSITION_SQL, []);
      const position = parseWalPosition(rows[0]?.position);
      if (position === undefined) return;
      const now = Date.now();
      const last = this.samples[this.samples.length - 1];
      // The first time the primary was seen at a position is what lag is measured from.
      if (!last || position > last.position) this.samples.push({ at: now, position });
      const keepSince = now - Math.max(2 * this.options.maxLagMs, 60_000);
      while (this.samples.length > 1 && this.samples[0]!.at < keepSince) this.samples.shift();
    } catch {
      // The primary's own faults surface on its statements; lag is measured again next time.
    }
  }

  private async checkOne(replica: Replica): Promise<void> {
    try {
      await replica.refresh();
    } catch (error) {
      this.takeOut(replica, `unreachable: ${(error as Error).message}`, true);
      return;
    }
    if (!replica.recovering) {
      this.takeOut(replica, 'is not in recovery (promoted, or not a standby)', true);
      return;
    }
    const lag = this.lagOf(replica.replayed);
    replica.lagMs = lag;
    if (lag > this.options.maxLagMs) {
      this.takeOut(
        replica,
        `lags ${lag} ms behind the primary (bound ${this.options.maxLagMs} ms)`,
      );
      return;
    }
    replica.failures = 0;
    if (!replica.inRotation) {
      const was = replica.reason;
      replica.inRotation = true;
      replica.reason = undefined;
      if (was !== NOT_CHECKED) {
        this.notify({
          target: replica.target,
          inRotation: true,
          message: `Read replica ${replica.target} is back in rotation (was out: ${was})`,
        });
      }
    }
  }

  private lagOf(replayed: bigint): number {
    const oldestMissing = this.samples.find((sample) => sample.position > replayed);
    return oldestMissing ? Math.max(0, Date.now() - oldestMissing.at) : 0;
  }

  /** Tells the listener; a listener that throws must not fail a read or stop the checks. */
  private notify(change: ReplicaChange): void {
    try {
      this.options.onChange(change);
    } catch {
      // the listener's own fault
    }
  }

  /** Out of rotation; with `backoff`, not tried again for a while that doubles per failure. */
  private takeOut(replica: Replica, reason: string, backoff = false): void {
    if (backoff) {
      // After a restart a standby may resume from an earlier point: ask again, trust nothing kept.
      replica.replayed = 0n;
      replica.retryAt =
        Date.now() + Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** replica.failures);
      replica.failures++;
    }
    const previous = replica.reason;
    const wasIn = replica.inRotation;
    replica.inRotation = false;
    replica.reason = reason;
    // Warn when it leaves, or fails differently, not again for every failed retry of one kind.
    if (wasIn || previous === NOT_CHECKED || kindOf(previous) !== kindOf(reason)) {
      this.notify({
        target: replica.target,
        inRotation: false,
        reason,
        message: `Read replica ${replica.target} taken out of rotation, reads go to the primary: ${reason}`,
      });
    }
  }
}

function kindOf(reason: string | undefined): string | undefined {
  return reason?.split(/[ :]/)[0];
}

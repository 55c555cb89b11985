/**
 * One replica's state, as `orm.replicaStatus()` and the health indicator report it.
 *
 * @example
 * orm.replicaStatus(); // [{ target: 'replica1:5432/app', inRotation: true, lagMs: 3 }]
 */
export interface ReplicaStatus {
  /** `host:port/database`. */
  readonly target: string;
  /** Whether reads are sent to it. */
  readonly inRotation: boolean;
  /** Why it is out of rotation. */
  readonly reason?: string;
  /** How far its replay was behind the primary at the last check, in ms. */
  readonly lagMs?: number;
}

/** A replica left or came back into rotation (`onReplicaChange` in the options). */
export interface ReplicaChange {
  readonly target: string;
  readonly inRotation: boolean;
  /** Why it left. */
  readonly reason?: string;
  /** A sentence for logs. */
  readonly message: string;
}

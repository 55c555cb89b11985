import type { ReplicaStatus } from '../connection/replicas/replica-status';

/**
 * One connection's state: `select 1` answered within the timeout, and how fast (ms). With read
 * replicas, each one's state too; a replica out of rotation does not make the connection down
 * (its reads go to the primary).
 */
export interface OrmConnectionHealth {
  status: 'up' | 'down';
  responseTime: number;
  /** Why it is down. */
  message?: string;
  /** Each read replica: in rotation or not (and why), and its lag in ms at the last check. */
  replicas?: ReplicaStatus[];
}

/**
 * What `OrmHealthIndicator.check(key)` resolves to: terminus' `HealthIndicatorResult` shape,
 * with each connection's state under `connections`.
 */
export type OrmHealthIndicatorResult<Key extends string = string> = Record<
  Key,
  { status: 'up' | 'down'; connections: Record<string, OrmConnectionHealth> }
>;

export interface OrmHealthCheckOptions {
  /** Connections to check, by name (default: every connection of the app). */
  connections?: string[];
  /** How long `select 1` may take, in ms, before the connection counts as down (default 1000). */
  timeout?: number;
}

/** One connection's state: `select 1` answered within the timeout, and how fast (ms). */
export interface OrmConnectionHealth {
  status: 'up' | 'down';
  responseTime: number;
  /** Why it is down. */
  message?: string;
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

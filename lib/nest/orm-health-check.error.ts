import { OrmError } from '../errors/orm-error';
import type { OrmHealthIndicatorResult } from './orm-health.types';

/**
 * A health check found a connection down. `causes` is the full result, as terminus expects
 * of a failing indicator (its executor reports an error carrying `causes` as `down`);
 * `OrmExceptionFilter` answers it with 503.
 *
 * @example
 * try { await health.check('database'); } catch (e) { if (e instanceof OrmHealthCheckError) log(e.causes); }
 */
export class OrmHealthCheckError extends OrmError {
  /** What terminus' legacy `HealthCheckError` carries, for code that tests for it. */
  readonly isHealthCheckError = true;

  constructor(
    message: string,
    readonly causes: OrmHealthIndicatorResult,
  ) {
    super('HEALTH_CHECK_FAILED', message);
  }
}

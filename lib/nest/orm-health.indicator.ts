import { Injectable } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import type { Orm } from '../connection/orm';
import type { ReplicaStatus } from '../connection/replicas/replica-status';
import { appConnectionNames } from './app-connections';
import { OrmHealthCheckError } from './orm-health-check.error';
import type {
  OrmConnectionHealth,
  OrmHealthCheckOptions,
  OrmHealthIndicatorResult,
} from './orm-health.types';
import { getOrmToken } from './orm.tokens';

/**
 * A health indicator for the app's connections, for `@nestjs/terminus` or a plain controller
 * (it does not need terminus). Each connection answers `select 1` on its pool, outside any
 * transaction of the caller; a connection that fails or is slower than `timeout` is down.
 *
 * @example
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.orm.check('database')]); }
 */
@Injectable()
export class OrmHealthIndicator {
  constructor(
    private readonly modules: ModulesContainer,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Resolves to `{ [key]: { status: 'up', connections } }` when every connection is up; else
   * rejects with `OrmHealthCheckError`, whose `causes` is the same result with `status: 'down'`.
   */
  async check<const Key extends string>(
    key: Key,
    options: OrmHealthCheckOptions = {},
  ): Promise<OrmHealthIndicatorResult<Key>> {
    const names = options.connections ?? appConnectionNames(this.modules);
    const timeout = options.timeout ?? 1000;
    const states = await Promise.all(names.map((name) => this.ping(name, timeout)));
    const connections = Object.fromEntries(names.map((name, i) => [name, states[i]!]));
    const down = names.filter((_, i) => states[i]!.status === 'down');
    const result = {
      [key]: { status: down.length ? 'down' : 'up', connections },
    } as OrmHealthIndicatorResult<Key>;
    if (down.length) {
      throw new OrmHealthCheckError(
        `Database connection(s) down: ${down.map((n) => `${n} (${connections[n]!.message})`).join(', ')}`,
        result,
      );
    }
    return result;
  }

  private async ping(name: string, timeout: number): Promise<OrmConnectionHealth> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    let replicas: ReplicaStatus[] | undefined;
    try {
      const orm = this.connection(name);
      const status = orm.replicaStatus();
      if (status.length) replicas = status;
      // The driver, not orm.query(): no caller's transaction, no query events, no N+1 count.
      await Promise.race([
        orm.driver.query('SELECT 1', []),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timeout of ${timeout} ms exceeded`)), timeout);
        }),
      ]);
      return { status: 'up', responseTime: elapsed(), ...(replicas ? { replicas } : {}) };
    } catch (error) {
      return {
        status: 'down',
        responseTime: elapsed(),
        message: (error as Error).message,
        ...(replicas ? { replicas } : {}),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private connection(name: string): Orm {
    try {
      return this.moduleRef.get<Orm>(getOrmToken(name) as string, { strict: false });
    } catch {
      throw new Error(`no connection named "${name}" in this app`);
    }
  }
}

/**
 * Compile-time contract of the Nest module's options. `npm test` type-checks this file: every
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import { Injectable, RequestMethod } from '@nestjs/common';
import {
  OrmHealthIndicator,
  OrmModule,
  type OrmModuleOptions,
  type OrmOptionsFactory,
} from '../../lib';

@Injectable()
class OrmConfig implements OrmOptionsFactory {
  createOrmOptions(connectionName?: string): OrmModuleOptions {
    return { name: connectionName };
  }
}

class NotAFactory {
  options(): OrmModuleOptions {
    return {};
  }
}

/** The shape terminus gives indicator results (`HealthIndicatorResult`), copied here. */
type TerminusResult = Record<string, { status: 'up' | 'down' } & Record<string, unknown>>;
type TerminusIndicator = () => PromiseLike<TerminusResult> | TerminusResult;

export function asyncOptionsContract(): void {
  OrmModule.forRootAsync({ useClass: OrmConfig });
  OrmModule.forRootAsync({ name: 'analytics', useExisting: OrmConfig });
  OrmModule.forRootAsync({ useFactory: (url: string) => ({ url }), inject: ['DATABASE_URL'] });
  OrmModule.forRoot({ requestContext: false });
  OrmModule.forRoot({
    requestContext: { exclude: ['health', { path: 'jobs', method: RequestMethod.POST }] },
  });

  // @ts-expect-error none of useFactory, useClass, useExisting
  OrmModule.forRootAsync({ name: 'analytics' });
  // @ts-expect-error two ways at once
  OrmModule.forRootAsync({ useClass: OrmConfig, useFactory: () => ({}) });
  // @ts-expect-error inject belongs to useFactory
  OrmModule.forRootAsync({ useClass: OrmConfig, inject: ['DATABASE_URL'] });
  // @ts-expect-error a class without createOrmOptions()
  OrmModule.forRootAsync({ useClass: NotAFactory });
  // @ts-expect-error a route is a string or { path, method }
  OrmModule.forRoot({ requestContext: { exclude: [/health/] } });
}

export function healthContract(health: OrmHealthIndicator): TerminusIndicator[] {
  return [() => health.check('database'), () => health.check('replica', { timeout: 500 })];
}

import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import {
  Orm,
  OrmExceptionFilter,
  OrmHealthCheckError,
  OrmHealthIndicator,
  OrmModule,
  PgliteDriver,
  getOrmToken,
  type OrmHealthIndicatorResult,
} from '../../lib';
import { describeOnServer } from '../support/test-database';

/** An embedded database whose `SELECT 1` answers late while `slow` is set. */
class SlowPingDriver extends PgliteDriver {
  slow = false;
  override async query<Row>(text: string, values: readonly unknown[]) {
    if (this.slow && text === 'SELECT 1') await new Promise((r) => setTimeout(r, 300));
    return super.query<Row>(text, values);
  }
}

/** What terminus' HealthCheckService answers for a list of indicators (its executor's rules). */
async function asTerminusWould(indicators: Array<() => Promise<OrmHealthIndicatorResult>>) {
  const info: OrmHealthIndicatorResult[] = [];
  const errors: OrmHealthIndicatorResult[] = [];
  for (const indicator of indicators) {
    try {
      info.push(await indicator());
    } catch (error) {
      const { causes } = error as { causes?: OrmHealthIndicatorResult };
      if (!causes) throw error;
      errors.push(causes);
    }
  }
  return {
    status: errors.length ? 'error' : 'ok',
    info: Object.assign({}, ...info),
    error: Object.assign({}, ...errors),
  };
}

@Controller('health')
class HealthController {
  constructor(private readonly orm: OrmHealthIndicator) {}

  /** Without terminus: resolves when up, else OrmExceptionFilter answers 503. */
  @Get()
  check() {
    return this.orm.check('database');
  }

  @Get('terminus')
  terminus() {
    return asTerminusWould([() => this.orm.check('database')]);
  }
}

function declareSuite(title: string, databaseUrl: () => string | undefined) {
  describe(title, () => {
    let app: INestApplication;
    let url: string;
    const spare = new SlowPingDriver();
    const get = async (path: string) => {
      const response = await fetch(url + path);
      return { status: response.status, body: await response.json() };
    };

    beforeAll(async () => {
      @Module({
        imports: [
          OrmModule.forRoot({ url: databaseUrl(), nPlusOne: false }),
          OrmModule.forRoot({ name: 'spare', driver: spare, nPlusOne: false, models: [] }),
        ],
        controllers: [HealthController],
        providers: [{ provide: APP_FILTER, useClass: OrmExceptionFilter }],
      })
      class AppModule {}
      app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
      await app.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    }, 120_000);
    afterAll(() => app?.close());

    it('reports every connection of the app up, with the latency of select 1', async () => {
      const { status, body } = await get('/health');
      expect(status).toBe(200);
      expect(body).toEqual({
        database: {
          status: 'up',
          connections: {
            default: { status: 'up', responseTime: expect.any(Number) },
            spare: { status: 'up', responseTime: expect.any(Number) },
          },
        },
      });
      expect((await get('/health/terminus')).body).toMatchObject({ status: 'ok', error: {} });
    });

    it('checks the connections asked for; a name the app does not have is down', async () => {
      const indicator = app.get(OrmHealthIndicator);
      const only = await indicator.check('db', { connections: ['spare'] });
      expect(Object.keys(only.db.connections)).toEqual(['spare']);
      const error = await indicator.check('db', { connections: ['nope'] }).catch((e) => e);
      expect(error).toBeInstanceOf(OrmHealthCheckError);
      expect(error.causes.db.connections.nope).toMatchObject({
        status: 'down',
        message: 'no connection named "nope" in this app',
      });
    });

    it('a connection slower than the timeout is down', async () => {
      spare.slow = true;
      try {
        const error = await app
          .get(OrmHealthIndicator)
          .check('database', { timeout: 50 })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OrmHealthCheckError);
        expect((error as OrmHealthCheckError).causes.database!.connections).toMatchObject({
          default: { status: 'up' },
          spare: { status: 'down', message: 'timeout of 50 ms exceeded' },
        });
      } finally {
        spare.slow = false;
      }
    });

    // Last: the connection stays closed.
    it('a closed connection is down: an error carrying the causes, 503 over HTTP', async () => {
      await app.get<Orm>(getOrmToken()).close();
      const error = await app
        .get(OrmHealthIndicator)
        .check('database')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OrmHealthCheckError);
      const { causes, code, isHealthCheckError, message } = error as OrmHealthCheckError;
      expect({ code, isHealthCheckError }).toEqual({
        code: 'HEALTH_CHECK_FAILED',
        isHealthCheckError: true,
      });
      expect(message).toMatch(/^Database connection\(s\) down: default \(.+\)$/);
      expect(causes).toEqual({
        database: {
          status: 'down',
          connections: {
            default: {
              status: 'down',
              responseTime: expect.any(Number),
              message: expect.any(String),
            },
            spare: { status: 'up', responseTime: expect.any(Number) },
          },
        },
      });

      const http = await get('/health');
      expect(http).toEqual({
        status: 503,
        body: {
          statusCode: 503,
          code: 'HEALTH_CHECK_FAILED',
          message: 'The database is unavailable, try again later',
          down: ['default'],
        },
      });
      const terminus = (await get('/health/terminus')).body;
      expect(terminus).toMatchObject({
        status: 'error',
        info: {},
        error: { database: { status: 'down', connections: { default: { status: 'down' } } } },
      });
    });
  });
}

declareSuite('OrmHealthIndicator [pglite]', () => undefined);
describeOnServer('OrmHealthIndicator', (url) => declareSuite('with a server connection', url));

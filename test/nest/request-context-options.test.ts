import {
  Controller,
  Get,
  Module,
  Post as HttpPost,
  RequestMethod,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { PGlite } from '@electric-sql/pglite' with { 'resolution-mode': 'import' };
import {
  OrmModule,
  PgliteDriver,
  UnitOfWork,
  runInContext,
  type RequestContextOption,
} from '../../lib';

/** One embedded database for every app of this file: these tests are about routes, not data. */
let database: PGlite;
beforeAll(async () => {
  const { PGlite } = await import('@electric-sql/pglite');
  database = await PGlite.create();
}, 60_000);
afterAll(() => database?.close());

/** Each route answers whether the request runs in a context (the unit of work needs one). */
@Controller()
class ProbeController {
  constructor(private readonly uow: UnitOfWork) {}

  private open(): { open: boolean } {
    try {
      void this.uow.changes;
      return { open: true };
    } catch {
      return { open: false };
    }
  }

  @Get('notes')
  notes() {
    return this.open();
  }

  @Get('health')
  health() {
    return this.open();
  }

  @Get('jobs/run')
  jobStatus() {
    return this.open();
  }

  @HttpPost('jobs/run')
  runJob() {
    return this.open();
  }

  /** What a handler does when the app opens contexts itself (`requestContext: false`). */
  @Get('own-context')
  ownContext() {
    return runInContext(() => this.open());
  }
}

async function serve(
  requestContext: RequestContextOption | undefined,
  platform: 'express' | 'fastify' = 'express',
): Promise<{ app: INestApplication; probe: (path: string, method?: string) => Promise<boolean> }> {
  @Module({
    imports: [
      OrmModule.forRoot({
        driver: new PgliteDriver({ instance: database }),
        nPlusOne: false,
        requestContext,
      }),
    ],
    controllers: [ProbeController],
  })
  class AppModule {}
  const options = { logger: false as const, abortOnError: false };
  const app =
    platform === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), options)
      : await NestFactory.create(AppModule, options);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const probe = async (path: string, method = 'GET') =>
    ((await (await fetch(url + path, { method })).json()) as { open: boolean }).open;
  return { app, probe };
}

describe('OrmModule.forRoot({ requestContext })', () => {
  it('by default every route runs in a request context', async () => {
    const { app, probe } = await serve(undefined);
    try {
      expect(await probe('/notes')).toBe(true);
      expect(await probe('/health')).toBe(true);
      expect(await probe('/jobs/run', 'POST')).toBe(true);
    } finally {
      await app.close();
    }
  });

  for (const platform of ['express', 'fastify'] as const) {
    it(`false: no route gets one, the app opens its own with runInContext [${platform}]`, async () => {
      const { app, probe } = await serve(false, platform);
      try {
        expect(await probe('/notes')).toBe(false);
        expect(await probe('/jobs/run', 'POST')).toBe(false);
        expect(await probe('/own-context')).toBe(true);
      } finally {
        await app.close();
      }
    });
  }

  it('exclude: the listed paths, and a path for one method only, get none', async () => {
    const { app, probe } = await serve({
      exclude: ['health', { path: 'jobs/{*rest}', method: RequestMethod.POST }],
    });
    try {
      expect(await probe('/health')).toBe(false);
      expect(await probe('/jobs/run', 'POST')).toBe(false);
      expect(await probe('/jobs/run')).toBe(true);
      expect(await probe('/notes')).toBe(true);
    } finally {
      await app.close();
    }
  });
});

import 'reflect-metadata';
import {
  Controller,
  Get,
  Module,
  Param,
  ParseIntPipe,
  Post,
  UseInterceptors,
  type INestApplication,
} from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { Column, Model, Orm, PrimaryKey, sql, Table } from '../../lib';
import {
  OrmHealthIndicator,
  OrmModule,
  ReadYourWritesInterceptor,
  TransactionInterceptor,
} from '../../lib/nest';
import { Cluster, describeWithCluster } from './support/cluster';
import { asAdmin, sleep } from './support/fault-helpers';
import { ReplicaCluster } from './support/replica-cluster';

@Table('ryw_items')
class Item extends Model {
  @PrimaryKey() id!: number;
  @Column() label!: string;
}

interface Seen {
  found: boolean;
  standby: boolean;
}

@Controller('items')
class ItemsController {
  constructor(
    private readonly orm: Orm,
    private readonly health: OrmHealthIndicator,
  ) {}

  @Post(':label')
  @UseInterceptors(TransactionInterceptor)
  async create(@Param('label') label: string): Promise<{ id: number }> {
    const item = await Item.create({ label });
    return { id: item.id };
  }

  @Get('health')
  check(): Promise<unknown> {
    return this.health.check('database');
  }

  /** Whether the item is there, and whether the server that said so is a standby. */
  @Get(':id')
  async show(@Param('id', ParseIntPipe) id: number): Promise<Seen> {
    const found = await Item.where({ id }).exists();
    const [row] = await this.orm.query<{ standby: boolean }>(
      sql`select pg_is_in_recovery() as standby`,
      { readOnly: true },
    );
    return { found, standby: row!.standby };
  }
}

describeWithCluster('read-your-writes across HTTP requests (header and cookie)', () => {
  let primary: Cluster;
  let replica: ReplicaCluster;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    primary = await Cluster.start();
    replica = await ReplicaCluster.startFrom(primary);
    await asAdmin(
      primary.url,
      'create table ryw_items (id serial primary key, label text not null)',
    );
    const primaryUrl = primary.url;
    const replicaUrl = replica.url;

    @Module({
      imports: [
        OrmModule.forRootAsync({
          useFactory: () => ({
            url: primaryUrl,
            replicas: [replicaUrl],
            // Replay is paused below on purpose: the replica must stay in rotation meanwhile.
            maxReplicaLagMs: 600_000,
            nPlusOne: false,
          }),
        }),
        OrmModule.forFeature([Item]),
      ],
      controllers: [ItemsController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }],
    })
    class AppModule {}

    app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await waitForTable(replica.url);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await replica?.destroy();
    await primary?.destroy();
  }, 60_000);

  async function show(id: number, headers: Record<string, string> = {}): Promise<Seen> {
    const response = await fetch(`${base}/items/${id}`, { headers });
    expect(response.status).toBe(200);
    return (await response.json()) as Seen;
  }

  it('a client that brings back the position of its write reads it, from the primary while the replica lags', async () => {
    await replica.pauseReplay();
    try {
      const created = await fetch(`${base}/items/first`, { method: 'POST' });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: number };
      const position = created.headers.get('x-wal-position')!;
      expect(position).toMatch(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/);
      const cookie = created.headers.get('set-cookie')!;
      expect(cookie).toBe(`wal_position=${position}; Path=/; Max-Age=60; SameSite=Lax; HttpOnly`);

      // Without the position, the request reads the paused replica, which lacks the row.
      expect(await show(id)).toEqual({ found: false, standby: true });
      expect(await show(id, { 'x-wal-position': position })).toEqual({
        found: true,
        standby: false,
      });
      expect(await show(id, { cookie: `theme=dark; wal_position=${position}` })).toEqual({
        found: true,
        standby: false,
      });
    } finally {
      await replica.resumeReplay();
    }
  });

  it('once the replica has replayed the write, the same request reads it there', async () => {
    const created = await fetch(`${base}/items/second`, { method: 'POST' });
    const { id } = (await created.json()) as { id: number };
    const position = created.headers.get('x-wal-position')!;
    let seen: Seen;
    const deadline = Date.now() + 5_000;
    do {
      seen = await show(id, { 'x-wal-position': position });
      if (seen.standby) break;
      await sleep(10);
    } while (Date.now() < deadline);
    expect(seen).toEqual({ found: true, standby: true });
  });

  it.each([
    ['not a position', 'abc'],
    ['SQL after a position', "0/0'; drop table ryw_items; --"],
    ['a statement after a position', '0/0; select pg_sleep(10)'],
    ['three parts', '1/2/3'],
    ['nine hex digits', '123456789/0'],
    ['an empty half', ' /1'],
    ['4,000 hex digits', 'F'.repeat(4000)],
  ])(
    'ignores a hostile position (%s): the request is served as if it had none',
    async (_, value) => {
      const created = await fetch(`${base}/items/hostile`, { method: 'POST' });
      const { id } = (await created.json()) as { id: number };
      await waitForRow(replica.url, id);
      expect(await show(id, { 'x-wal-position': value })).toEqual({ found: true, standby: true });
      expect(await show(id, { cookie: `wal_position=${value}` })).toEqual({
        found: true,
        standby: true,
      });
      const [table] = await asAdmin<{ n: number }>(
        primary.url,
        'select count(*)::int as n from ryw_items',
      );
      expect(table!.n).toBeGreaterThan(0);
    },
  );

  it('the health indicator reports the replica in rotation, with its lag', async () => {
    const response = await fetch(`${base}/items/health`);
    const body = (await response.json()) as {
      database: { status: string; connections: Record<string, { replicas: unknown }> };
    };
    expect(body.database.status).toBe('up');
    expect(body.database.connections.default!.replicas).toEqual([
      { target: `127.0.0.1:${replica.port}/postgres`, inRotation: true, lagMs: expect.any(Number) },
    ]);
  });
});

async function waitForTable(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await asAdmin<{ t: string | null }>(
      url,
      "select to_regclass('ryw_items')::text as t",
    );
    if (row!.t) return;
    if (Date.now() > deadline) throw new Error('the table did not reach the replica');
    await sleep(20);
  }
}

async function waitForRow(url: string, id: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await asAdmin(url, 'select 1 from ryw_items where id = $1', [id]);
    if (rows.length) return;
    if (Date.now() > deadline) throw new Error('the row did not reach the replica');
    await sleep(10);
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Controller,
  Get,
  Injectable,
  Module,
  Param,
  ParseIntPipe,
  Post as HttpPost,
  Query as QueryParam,
  UseInterceptors,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Column,
  InjectOrm,
  InjectRepository,
  Model,
  Orm,
  OrmError,
  OrmModule,
  OrmSubscriber,
  PrimaryKey,
  Repository,
  Table,
  TransactionInterceptor,
  Transactional,
  UnitOfWork,
  afterCommit,
  getOrmToken,
  sql,
  type ModelSubscriber,
  type OrmModuleOptions,
} from '../../lib';
import { describeOnServer } from '../support/test-database';

@Table('mc_orders')
class Order extends Model {
  @PrimaryKey() id!: number;
  @Column() item!: string;
  @Column({ default: 'new' }) state!: string;
}

@Table('mc_page_views')
class PageView extends Model {
  @PrimaryKey() id!: number;
  @Column() path!: string;
}

/** A migrations folder holding one migration that creates `table`. */
function migrationsCreating(table: string, columns: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'connections-'));
  writeFileSync(
    join(directory, `20260101000000_create_${table}.ts`),
    `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class M extends Migration {
  up(schema: SchemaBuilder) { schema.createTable('${table}', (t) => { t.id(); ${columns} }); }
  down(schema: SchemaBuilder) { schema.dropTable('${table}'); }
}
`,
  );
  return directory;
}

const viewsCreated: string[] = [];

@OrmSubscriber({ models: [PageView], connection: 'analytics' })
@Injectable()
class PageViewCounter implements ModelSubscriber<PageView> {
  afterCreate(view: PageView) {
    viewsCreated.push(view.path);
  }
}

@Injectable()
class OrdersService {
  constructor(
    @InjectRepository(Order, 'orders') readonly orders: Repository<Order>,
    @InjectOrm('orders') readonly orm: Orm,
  ) {}
}

@Injectable()
class AnalyticsService {
  constructor(@InjectRepository(PageView, 'analytics') readonly views: Repository<PageView>) {}

  /** Two writes in one transaction of the analytics connection: both or neither. */
  @Transactional({ connection: 'analytics' })
  async record(path: string): Promise<void> {
    await this.views.create({ path });
    await this.views.create({ path: `${path}/again` });
    if (path.includes('boom')) throw new Error('analytics failed after writing');
  }
}

const orders = TransactionInterceptor.forConnection('orders');
const analytics = TransactionInterceptor.forConnection('analytics');

@Controller()
class ShopController {
  constructor(
    private readonly shop: OrdersService,
    private readonly stats: AnalyticsService,
    private readonly uow: UnitOfWork,
  ) {}

  @HttpPost('orders/:item')
  @UseInterceptors(orders)
  order(@Param('item') item: string): Promise<Order> {
    return this.shop.orders.create({ item });
  }

  /** No save(): the orders interceptor flushes the change (autoFlush) before its commit. */
  @HttpPost('orders/:id/ship')
  @UseInterceptors(orders)
  async ship(@Param('id', ParseIntPipe) id: number): Promise<{ sameObject: boolean }> {
    const order = await Order.find(id);
    order.state = 'shipped';
    return { sameObject: (await this.shop.orders.find(id)) === order };
  }

  /** Records of both connections in one unit of work: each interceptor writes its own. */
  @HttpPost('checkout/:item')
  @UseInterceptors(orders, analytics)
  checkout(@Param('item') item: string, @QueryParam('fail') fail?: string): { ok: true } {
    this.uow.add(Order.build({ item }), PageView.build({ path: `/checkout/${item}` }));
    if (fail) throw new Error('checkout failed after adding records');
    return { ok: true };
  }

  @HttpPost('views/:path')
  async view(@Param('path') path: string): Promise<{ ok: true }> {
    await this.stats.record(path);
    return { ok: true };
  }

  @Get('context')
  context(): { open: boolean } {
    try {
      void this.uow.changes;
      return { open: true };
    } catch {
      return { open: false };
    }
  }
}

function appModule(urls: [string | undefined, string | undefined], folders: [string, string]) {
  const common: OrmModuleOptions = {
    nPlusOne: false,
    unitOfWork: { autoFlush: true },
    requestContext: { exclude: ['context'] },
  };
  @Injectable()
  class AnalyticsConfig {
    createOrmOptions(): OrmModuleOptions {
      return {
        ...common,
        url: urls[1],
        models: [PageView],
        migrations: { run: true, directory: folders[1] },
      };
    }
  }
  @Module({
    imports: [
      OrmModule.forRoot({
        ...common,
        name: 'orders',
        url: urls[0],
        models: [Order],
        migrations: { run: true, directory: folders[0] },
      }),
      OrmModule.forRootAsync({ name: 'analytics', useClass: AnalyticsConfig }),
      OrmModule.forFeature([Order], 'orders'),
      OrmModule.forFeature([PageView], 'analytics'),
    ],
    controllers: [ShopController],
    providers: [OrdersService, AnalyticsService, PageViewCounter],
  })
  class AppModule {}
  return AppModule;
}

function declareSuite(title: string, urls: () => [string | undefined, string | undefined]) {
  describe(title, () => {
    let app: INestApplication;
    let url: string;
    let ordersOrm: Orm;
    let analyticsOrm: Orm;
    const folders: [string, string] = [
      migrationsCreating(
        'mc_orders',
        `t.text('item').notNull(); t.text('state').notNull().default('new');`,
      ),
      migrationsCreating('mc_page_views', `t.text('path').notNull();`),
    ];
    const post = (path: string) => fetch(url + path, { method: 'POST' });
    const rows = async (orm: Orm, table: 'mc_orders' | 'mc_page_views') =>
      orm.query<Record<string, unknown>>(sql`select * from ${sql.id(table)} order by id`);

    beforeAll(async () => {
      app = await NestFactory.create(appModule(urls(), folders), {
        logger: false,
        abortOnError: false,
      });
      await app.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
      ordersOrm = app.get(getOrmToken('orders'));
      analyticsOrm = app.get(getOrmToken('analytics'));
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await ordersOrm.query(sql`delete from mc_orders`);
      await analyticsOrm.query(sql`delete from mc_page_views`);
      viewsCreated.length = 0;
    });

    it('opens each connection under its own name, with its own migrations applied', async () => {
      expect([ordersOrm.name, analyticsOrm.name]).toEqual(['orders', 'analytics']);
      expect(ordersOrm).not.toBe(analyticsOrm);
      const applied = (orm: Orm) =>
        orm.query<{ name: string }>(sql`select name from schema_migrations`);
      expect(await applied(ordersOrm)).toEqual([{ name: '20260101000000_create_mc_orders' }]);
      expect(await applied(analyticsOrm)).toEqual([
        { name: '20260101000000_create_mc_page_views' },
      ]);
      const exists = async (orm: Orm, table: string) =>
        (
          await orm.query<{ found: string | null }>(
            sql`select to_regclass(${table})::text as found`,
          )
        )[0]!.found !== null;
      expect([
        await exists(ordersOrm, 'mc_orders'),
        await exists(ordersOrm, 'mc_page_views'),
      ]).toEqual([true, false]);
      expect([
        await exists(analyticsOrm, 'mc_page_views'),
        await exists(analyticsOrm, 'mc_orders'),
      ]).toEqual([true, false]);
    });

    it('each connection’s repositories write to its own database, over HTTP', async () => {
      const response = await post('/orders/book');
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ item: 'book', state: 'new' });
      expect(await rows(ordersOrm, 'mc_orders')).toMatchObject([{ item: 'book' }]);
      expect((await post('/views/home')).status).toBe(201);
      expect((await rows(analyticsOrm, 'mc_page_views')).map((r) => r.path)).toEqual([
        'home',
        'home/again',
      ]);
      expect(viewsCreated).toEqual(['home', 'home/again']);
    });

    it('@Transactional({ connection }) rolls back both writes on that connection', async () => {
      expect((await post('/views/boom')).status).toBe(500);
      expect(await rows(analyticsOrm, 'mc_page_views')).toEqual([]);
    });

    it('a connection’s interceptor flushes the request’s unit of work on that connection', async () => {
      const order = await Order.create({ item: 'lamp' });
      const response = await post(`/orders/${order.id}/ship`);
      expect(await response.json()).toEqual({ sameObject: true });
      expect(await rows(ordersOrm, 'mc_orders')).toMatchObject([
        { item: 'lamp', state: 'shipped' },
      ]);
    });

    it('two interceptors on one handler: each writes its connection’s records, or none', async () => {
      expect((await post('/checkout/chair')).status).toBe(201);
      expect(await rows(ordersOrm, 'mc_orders')).toMatchObject([{ item: 'chair' }]);
      expect(await rows(analyticsOrm, 'mc_page_views')).toMatchObject([
        { path: '/checkout/chair' },
      ]);
      expect((await post('/checkout/desk?fail=1')).status).toBe(500);
      expect(await rows(ordersOrm, 'mc_orders')).toHaveLength(1);
      expect(await rows(analyticsOrm, 'mc_page_views')).toHaveLength(1);
    });

    it('a route excluded by every connection gets no request context', async () => {
      expect(await (await fetch(`${url}/context`)).json()).toEqual({ open: false });
    });
  });
}

declareSuite('two named connections in one app [pglite, pglite]', () => [undefined, undefined]);
describeOnServer('two named connections in one app', (orders) =>
  describeOnServer('with a schema each', (analytics) =>
    declareSuite('over HTTP', () => [orders(), analytics()]),
  ),
);

describe('connection names', () => {
  const startFails = async (imports: ModuleMetadata['imports']) => {
    @Module({ imports })
    class DuplicateModule {}
    return NestFactory.create(DuplicateModule, { logger: false, abortOnError: false }).then(
      (app) => app.close().then(() => undefined),
      (error: unknown) => error,
    );
  };

  it('two connections without a name are both "default": start-up fails, nothing opens', async () => {
    const error = await startFails([OrmModule.forRoot({}), OrmModule.forRoot({ nPlusOne: false })]);
    expect(error).toBeInstanceOf(OrmError);
    expect((error as OrmError).code).toBe('DUPLICATE_CONNECTION');
    expect((error as Error).message).toContain(
      '2 OrmModule.forRoot()/forRootAsync() calls open a connection named "default"',
    );
    expect(() => afterCommit(() => undefined)).toThrow(/No open connection named "default"/);
  });

  it('forRoot and forRootAsync with the same name: refused the same way', async () => {
    const error = await startFails([
      OrmModule.forRoot({ name: 'analytics' }),
      OrmModule.forRootAsync({ name: 'analytics', useFactory: () => ({}) }),
    ]);
    expect((error as OrmError).code).toBe('DUPLICATE_CONNECTION');
    expect((error as Error).message).toContain('named "analytics"');
    expect(() => afterCommit(() => undefined, 'analytics')).toThrow(/No open connection/);
  });
});

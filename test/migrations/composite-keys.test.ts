import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BelongsTo,
  Column,
  ManyToMany,
  Migrator,
  Model,
  PrimaryKey,
  PrimaryKeyFields,
  Table,
  sql,
} from '../../lib';
import { describeEachDatabase } from '../support/test-database';

// Generated migrations for composite primary keys and the composite foreign keys that refer
// to them: a new schema, and columns plus a foreign key added to an existing table.

@Table('ckm_tenants')
class Tenant extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table('ckm_orders')
class Order extends Model {
  declare readonly [PrimaryKeyFields]?: 'tenantId' | 'id';
  @PrimaryKey() tenantId!: number;
  @PrimaryKey({ generated: true }) id!: number;
  @Column() number!: string;
  @BelongsTo(() => Tenant) tenant!: Tenant;
  @ManyToMany(() => Tag, {
    through: 'ckm_order_tags',
    foreignKey: ['tenantId', 'orderId'],
    otherKey: 'tagId',
  })
  tags!: Tag[];
}

@Table('ckm_order_lines')
class OrderLine extends Model {
  @PrimaryKey() tenantId!: number;
  @PrimaryKey({ generated: true }) id!: number;
  @Column({ nullable: true, type: 'integer' }) orderId!: number | null;
  @Column() product!: string;
  @BelongsTo(() => Order, { foreignKey: ['tenantId', 'orderId'] }) order!: Order | null;
}

@Table('ckm_tags')
class Tag extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table('ckm_actors')
class Actor extends Model {
  @PrimaryKey() id!: number;
  @ManyToMany(() => Film, { through: () => FilmActor }) films!: Film[];
}

@Table('ckm_films')
class Film extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
}

@Table('ckm_film_actor')
class FilmActor extends Model {
  @PrimaryKey() actorId!: number;
  @PrimaryKey() filmId!: number;
  @BelongsTo(() => Actor) actor!: Actor;
  @BelongsTo(() => Film) film!: Film;
}

describeEachDatabase(
  'generated migrations with composite keys',
  { models: [Tenant, Order, OrderLine, Tag, Actor, Film, FilmActor], schema: '' },
  (db) => {
    let directory: string;
    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'composite-migrations-'));
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('creates composite primary keys and composite foreign keys, join tables included', async () => {
      const migrator = new Migrator(db().orm, { directory });
      const generated = await migrator.generate('CreateOrders');
      const source = readFileSync(generated.file!, 'utf8');
      expect(source).toContain(
        't.add("tenant_id", "integer").notNull().references("ckm_tenants", "id")',
      );
      expect(source).toContain('t.add("id", "integer").generated()');
      expect(source).toContain('t.primaryKey(["tenant_id","id"])');
      expect(source).toContain(
        't.foreignKey(["tenant_id","order_id"], "ckm_orders", { column: ["tenant_id","id"], name: "ckm_order_lines_tenant_id_order_id_fkey" })',
      );
      expect(source).toContain('t.primaryKey(["tenant_id","order_id","tag_id"])');
      expect(source).toContain(
        't.foreignKey(["tenant_id","order_id"], "ckm_orders", { column: ["tenant_id","id"], name: "ckm_order_tags_tenant_id_order_id_fkey", onDelete: "cascade" })',
      );
      // orders are created after tenants, lines and join rows after orders
      expect(source.indexOf('createTable("ckm_tenants"')).toBeLessThan(
        source.indexOf('createTable("ckm_orders"'),
      );
      expect(source.indexOf('createTable("ckm_orders"')).toBeLessThan(
        source.indexOf('createTable("ckm_order_lines"'),
      );
      // a join model: its key is its two references, neither generated
      expect(source).toContain(
        't.add("actor_id", "integer").notNull().references("ckm_actors", "id")',
      );
      expect(source).toContain('t.primaryKey(["actor_id","film_id"])');
      expect(generated.warnings).toEqual([]);

      expect(await migrator.migrate()).toHaveLength(1);
      const [fk] = await db().orm.query<{ definition: string }>(
        sql`select pg_get_constraintdef(oid) as definition from pg_constraint where conname = 'ckm_order_lines_tenant_id_order_id_fkey'`,
      );
      expect(fk?.definition).toBe(
        'FOREIGN KEY (tenant_id, order_id) REFERENCES ckm_orders(tenant_id, id)',
      );

      // the models work on the tables, and the database enforces the composite reference
      const tenant = await Tenant.create({ name: 'acme' });
      const order = await Order.create({ tenantId: tenant.id, number: 'A1' });
      const line = OrderLine.build({ product: 'x' });
      line.order = order;
      await line.save();
      const tag = await Tag.create({ name: 'rush' });
      await order.addTo('tags', tag);
      const [loaded] = await Order.all().include('tags');
      expect(loaded!.tags.map((t) => t.name)).toEqual(['rush']);
      await expect(
        OrderLine.create({ tenantId: tenant.id + 1, orderId: order.id, product: 'y' }),
      ).rejects.toThrow(/foreign key/i);

      const actor = await Actor.create({});
      const film = await Film.create({ title: 'Alien' });
      await actor.addTo('films', film);
      expect((await FilmActor.find({ actorId: actor.id, filmId: film.id })).filmId).toBe(film.id);

      const again = await migrator.generate('Nothing');
      expect(again.file).toBeUndefined();
    });
  },
);

@Table('ckm_orders')
class LaterOrder extends Model {
  @PrimaryKey() tenantId!: number;
  @PrimaryKey({ generated: true }) id!: number;
  @Column() number!: string;
}

@Table('ckm_order_lines')
class LaterLine extends Model {
  @PrimaryKey() tenantId!: number;
  @PrimaryKey({ generated: true }) id!: number;
  @Column({ nullable: true, type: 'integer' }) orderId!: number | null;
  @Column() product!: string;
  @BelongsTo(() => LaterOrder, { foreignKey: ['tenantId', 'orderId'] }) order!: LaterOrder | null;
}

// Lines existed before they referred to orders: no order_id column, no foreign key.
const earlier = `
  create table ckm_orders (
    tenant_id integer not null,
    id integer generated by default as identity,
    number text not null,
    primary key (tenant_id, id)
  );
  create table ckm_order_lines (
    tenant_id integer not null,
    id integer generated by default as identity,
    product text not null,
    primary key (tenant_id, id)
  )`;

describeEachDatabase(
  'a composite foreign key added to an existing table',
  { models: [LaterOrder, LaterLine], schema: earlier },
  (db) => {
    let directory: string;
    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'composite-changes-'));
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('adds the column and the foreign key over both columns; then nothing is left', async () => {
      // Adding a foreign key to a table with rows scans it: the safety lint says so.
      const migrator = new Migrator(db().orm, { directory, unsafe: true });
      const generated = await migrator.generate('LinkLines');
      expect(generated.warnings.join()).toMatch(/FOREIGN KEY \("tenant_id", "order_id"\)/);
      const source = readFileSync(generated.file!, 'utf8');
      expect(source).toContain('t.add("order_id", "integer")');
      expect(source).toContain(
        't.foreignKey(["tenant_id","order_id"], "ckm_orders", { column: ["tenant_id","id"], name: "ckm_order_lines_tenant_id_order_id_fkey" })',
      );
      expect(source).toContain('t.dropConstraint("ckm_order_lines_tenant_id_order_id_fkey")');
      // The key's index on a table that exists is built concurrently, in a migration of its own.
      expect(generated.files).toHaveLength(2);
      const indexes = readFileSync(generated.files![1]!, 'utf8');
      expect(indexes).toContain('transactional = false');
      expect(indexes).toMatch(/ckm_order_lines_tenant_id_order_id_idx/);
      expect(await migrator.migrate()).toEqual([
        expect.stringMatching(/_link_lines$/),
        expect.stringMatching(/_link_lines_indexes$/),
      ]);
      const [index] = await db().orm.query<{ definition: string }>(
        sql`select indexdef as definition from pg_indexes where indexname = 'ckm_order_lines_tenant_id_order_id_idx'`,
      );
      expect(index!.definition).toMatch(/\(tenant_id, order_id\)/);
      const order = await LaterOrder.create({ tenantId: 1, number: 'A1' });
      const line = await LaterLine.create({ tenantId: 1, orderId: order.id, product: 'x' });
      expect((await line.load('order'))?.number).toBe('A1');
      expect((await migrator.generate('Nothing')).file).toBeUndefined();
      // and down undoes it
      await migrator.rollback(2);
      const columns = await db().orm.query<{ name: string }>(
        sql`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'ckm_order_lines' order by 1`,
      );
      expect(columns.map((c) => c.name)).toEqual(['id', 'product', 'tenant_id']);
    });
  },
);

import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  Column,
  HasMany,
  Model,
  Orm,
  PrimaryKey,
  Table,
  sql,
  type QueryResult,
  type QueryOptions,
} from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import { WrappedPgliteDriver } from '../support/wrapped-pglite-driver';

@Table('jr_owners')
class Holder extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @HasMany(() => Item, { foreignKey: 'holderId', order: { id: 'asc' } }) items!: Item[];
}

@Table('jr_items')
class Item extends Model {
  @PrimaryKey() id!: number;
  @Column() holderId!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'bytea' }) bytes!: Buffer;
  @Column({ type: 'double precision' }) score!: number;
  @HasMany(() => Note, { foreignKey: 'itemId', order: { id: 'asc' } }) notes!: Note[];
}

@Table('jr_notes')
class Note extends Model {
  @PrimaryKey() id!: number;
  @Column() itemId!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
}

/**
 * The embedded driver, showing the row listener the first row of each answer only, once the
 * answer is in: as a driver that had read one row when the rest arrived at once would.
 */
class FirstRowDriver extends WrappedPgliteDriver {
  /** The statements sent with a row listener. */
  readonly listened: string[] = [];

  constructor() {
    super('first-row-driver');
  }

  async query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    const result = await this.inner.query<Row>(text, values);
    const onRow = options?.onRow;
    if (onRow) {
      this.listened.push(text);
      if (result.rows.length) onRow(result.rows[0] as Record<string, unknown>);
    }
    return result;
  }
}

describe('one-statement includes, rows readied as they arrive [pglite]', () => {
  let orm: Orm;
  let driver: FirstRowDriver;

  beforeAll(async () => {
    driver = new FirstRowDriver();
    orm = await Orm.connect({ driver, models: [Holder, Item, Note] });
    await orm.query(sql`create table jr_owners (id serial primary key, name text not null)`);
    await orm.query(
      sql`create table jr_items (id serial primary key, holder_id integer not null,
            at timestamptz not null, bytes bytea not null, score double precision not null)`,
    );
    await orm.query(
      sql`create table jr_notes (id serial primary key, item_id integer not null, at timestamptz not null)`,
    );
    const holders = await Holder.insertAll([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    for (const [h, holder] of holders.entries()) {
      const items = await Item.insertAll(
        [0, 1].map((i) => ({
          holderId: holder.id,
          at: new Date(Date.UTC(2026, h, 1 + i, 10, 20, 30, 123)),
          bytes: Buffer.from([h, i, 255]),
          score: i === 0 ? Number.NaN : h + 0.5,
        })),
      );
      await Note.insertAll(
        items.map((item) => ({ itemId: item.id, at: new Date(item.at.getTime() + 1000) })),
      );
    }
  });

  afterAll(async () => {
    await orm.close();
  });

  it('gives the same records whether the driver showed it every row, some or none', async () => {
    const query = Holder.order({ id: 'asc' }).include('items.notes');
    driver.listened.length = 0;
    const json = await query.includeStrategy('json');
    expect(driver.listened).toEqual([query.includeStrategy('json').toSQL().text]);
    const separate = await query.includeStrategy('queries');
    const plain = (holders: Holder[]) =>
      holders.map((h) => ({
        ...h.toJSON(),
        items: h.items.map((i) => ({ ...i.toJSON(), notes: i.notes.map((n) => n.toJSON()) })),
      }));
    expect(plain(json)).toStrictEqual(plain(separate));
    for (const holder of json) {
      for (const item of holder.items) {
        expect(item.at).toBeInstanceOf(Date);
        expect(Buffer.isBuffer(item.bytes)).toBe(true);
        expect(item.holderId).toBe(holder.id);
        expect(item.changed()).toBe(false);
        for (const note of item.notes) {
          expect(note.at.getTime()).toBe(item.at.getTime() + 1000);
          expect(note.itemId).toBe(item.id);
        }
      }
    }
    expect(json[2]!.items[1]!.score).toBe(2.5);
    expect(json[2]!.items[0]!.score).toBeNaN();
  });

  it('a query without includes in its statement is sent without a row listener', async () => {
    driver.listened.length = 0;
    await Holder.order({ id: 'asc' }).include('items').includeStrategy('queries');
    await Item.where({ holderId: 1 });
    expect(driver.listened).toEqual([]);
  });
});

/** What the application keeps in its async context (a tenant, say), read by its model code. */
const tenant = new AsyncLocalStorage<object>();
const tenantsSeenByTransformer: unknown[] = [];

@Table('jr_shelves')
class Shelf extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @HasMany(() => Book, { foreignKey: 'shelfId', order: { id: 'asc' } }) books!: Book[];
  @HasMany(() => Label, { foreignKey: 'shelfId', order: { id: 'asc' } }) labels!: Label[];
  @HasMany(() => Plank, { foreignKey: 'shelfId', order: { id: 'asc' } }) planks!: Plank[];
}

/** Its transformer runs the application's code for every row. */
@Table('jr_books')
class Book extends Model {
  @PrimaryKey() id!: number;
  @Column() shelfId!: number;
  @Column({
    type: 'text',
    transformer: {
      toDatabase: (title: string) => title,
      fromDatabase: (raw: unknown) => {
        tenantsSeenByTransformer.push(tenant.getStore());
        return String(raw);
      },
    },
  })
  title!: string;
}

/** Its constructor runs the application's code for every record. */
@Table('jr_labels')
class Label extends Model {
  @PrimaryKey() id!: number;
  @Column() shelfId!: number;
  @Column() text!: string;
  readonly tenantAtConstruction = tenant.getStore();
}

/** Nothing of the application's runs to build it. */
@Table('jr_planks')
class Plank extends Model {
  @PrimaryKey() id!: number;
  @Column() shelfId!: number;
  @Column({ type: 'timestamptz' }) cutAt!: Date;
}

describeEachDatabase(
  'one-statement includes and the async context',
  {
    models: [Shelf, Book, Label, Plank],
    schema: `
      create table jr_shelves (id serial primary key, name text not null);
      create table jr_books (id serial primary key, shelf_id integer not null, title text not null);
      create table jr_labels (id serial primary key, shelf_id integer not null, text text not null);
      create table jr_planks (id serial primary key, shelf_id integer not null, cut_at timestamptz not null)`,
  },
  () => {
    beforeAll(async () => {
      const shelves = await Shelf.insertAll(
        Array.from({ length: 30 }, (_, i) => ({ name: `shelf ${i}` })),
      );
      await Book.insertAll(
        shelves.flatMap((s) => [1, 2, 3].map((n) => ({ shelfId: s.id, title: `book ${n}` }))),
      );
      await Label.insertAll(shelves.map((s) => ({ shelfId: s.id, text: 'fiction' })));
      await Plank.insertAll(
        shelves.map((s) => ({ shelfId: s.id, cutAt: new Date(Date.UTC(2026, 0, s.id)) })),
      );
      // The pool's connections are opened here, outside any tenant's context.
      await Shelf.all();
    });

    it("the application's transformers and constructors run in the caller's async context", async () => {
      const acme = { name: 'acme' };
      tenantsSeenByTransformer.length = 0;
      const shelves = await tenant.run(
        acme,
        async () =>
          await Shelf.order({ id: 'asc' })
            .limit(30)
            .include('books', 'labels', 'planks')
            .includeStrategy('json'),
      );
      expect(shelves).toHaveLength(30);
      expect(tenantsSeenByTransformer).toHaveLength(90);
      expect(tenantsSeenByTransformer.every((seen) => seen === acme)).toBe(true);
      const labels = shelves.flatMap((s) => s.labels);
      expect(labels).toHaveLength(30);
      expect(labels.every((label) => label.tenantAtConstruction === acme)).toBe(true);
      expect(shelves[4]!.planks[0]!.cutAt).toEqual(new Date(Date.UTC(2026, 0, shelves[4]!.id)));
      expect(shelves[4]!.books.map((b) => b.title)).toEqual(['book 1', 'book 2', 'book 3']);
    });
  },
);

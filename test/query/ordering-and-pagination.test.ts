import { sql } from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import { Item, catalogSchema, seedCatalog } from './catalog-model';

describeEachDatabase('ordering and pagination', { models: [Item], schema: catalogSchema }, (db) => {
  beforeAll(() => seedCatalog());

  const names = (items: Item[]) => items.map((i) => i.name);

  it('orders by several fields and directions, with nulls placement', async () => {
    expect(names(await Item.order({ category: 'asc', qty: 'desc' }).limit(4))).toEqual([
      'drill',
      'saw',
      'hammer',
      'kite',
    ]);
    expect(names(await Item.order('category', { name: 'desc' }).limit(2))).toEqual([
      'saw',
      'hammer',
    ]);
    const nullsFirst = await Item.order({ note: { direction: 'desc', nulls: 'first' } }).limit(4);
    expect(nullsFirst.every((i) => i.note === null)).toBe(true);
    const nullsLast = await Item.order({ note: { direction: 'asc', nulls: 'last' } });
    expect(nullsLast.slice(-4).every((i) => i.note === null)).toBe(true);
    expect(names(await Item.order(sql`length(name) desc`, 'name').limit(2))).toEqual([
      'cheese',
      'hammer',
    ]);
  });

  it('reorder replaces the ordering', async () => {
    const query = Item.order({ qty: 'desc' });
    expect(names(await query.reorder({ qty: 'asc' }).limit(1))).toEqual(['hammer']);
  });

  it('limit and offset page through a stable order', async () => {
    const pages: string[][] = [];
    for (let page = 0; page < 4; page++) {
      pages.push(
        names(
          await Item.order({ id: 'asc' })
            .limit(3)
            .offset(page * 3),
        ),
      );
    }
    expect(pages.flat()).toEqual(names(await Item.order({ id: 'asc' })));
    expect(pages[3]).toEqual(['pear']);
    expect(await Item.order({ id: 'asc' }).offset(100)).toEqual([]);
  });

  it('keyset pagination walks every row once, across ties, in mixed directions', async () => {
    const seen: Item[] = [];
    let query = Item.order({ category: 'desc', id: 'asc' }).limit(4);
    let page = await query;
    while (page.length > 0) {
      seen.push(...page);
      const last = page[page.length - 1]!;
      page = await Item.order({ category: 'desc', id: 'asc' }).after(last).limit(4);
      query = query.after(last);
    }
    expect(seen.map((i) => i.id)).toEqual(
      (await Item.order({ category: 'desc', id: 'asc' })).map((i) => i.id),
    );
    expect(new Set(seen.map((i) => i.id)).size).toBe(10);
  });

  it('after() needs an order and cursor values', () => {
    expect(() => Item.all().after({ id: 3 })).toThrow(/needs an order/);
    expect(() => Item.order({ qty: 'asc', id: 'asc' }).after({ id: 3 })).toThrow(
      /cursor needs a non-null qty/,
    );
  });

  it('select loads only some fields; the others are absent, not undefined values', async () => {
    const [item] = await Item.where({ name: 'saw' }).select('name', 'qty');
    expect(item).toMatchObject({ id: expect.any(Number), name: 'saw', qty: 1 });
    expect('price' in item!).toBe(false);
    expect(Object.keys(item!.toJSON()).sort()).toEqual(['id', 'name', 'qty']);
    item!.qty = 99;
    db().resetQueries();
    await item!.save();
    expect(db().queries[0]!.text).toMatch(/^UPDATE "q_items" SET "qty" = \$1 WHERE "id" = \$2/);
    expect((await Item.find(item!.id)).price).toBe('4.50');
    await item!.update({ qty: 1 });
  });

  it('distinct', async () => {
    expect(await Item.all().select('category').distinct().pluck('category')).toHaveLength(3);
    const rows = await Item.order('category').select('category').distinct();
    expect(rows.length).toBeGreaterThanOrEqual(3);
  });

  it('queries are immutable: deriving never changes the original', async () => {
    const base = Item.where({ category: 'toys' });
    const before = base.toSQL();
    const derived = base
      .where({ qty: { gt: 3 } })
      .order({ name: 'desc' })
      .limit(1)
      .offset(1);
    expect(base.toSQL()).toEqual(before);
    expect(await base.count()).toBe(3);
    expect(names(await derived)).toEqual(['doll']);
    expect(names(await base.order({ id: 'asc' }))).toEqual(['ball', 'doll', 'kite']);
  });

  it('a query is awaitable more than once and runs each time', async () => {
    const query = Item.where({ name: 'saw' });
    db().resetQueries();
    expect(names(await query)).toEqual(['saw']);
    expect(names(await query)).toEqual(['saw']);
    expect(db().queries).toHaveLength(2);
  });
});

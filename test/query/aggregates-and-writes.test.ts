import { InvalidQueryError } from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import { Item, catalogSchema, seedCatalog } from './catalog-model';

describeEachDatabase(
  'aggregates and set writes',
  { models: [Item], schema: catalogSchema },
  (db) => {
    beforeEach(async () => {
      await db().exec('truncate q_items restart identity');
      await seedCatalog();
    });

    it('count, sum, avg, min, max with their types', async () => {
      expect(await Item.count()).toBe(10);
      expect(await Item.where({ category: 'toys' }).count()).toBe(3);
      expect(await Item.all().sum('qty')).toBe(45);
      expect(await Item.all().sum('price')).toBe('115.00');
      expect(await Item.all().avg('qty')).toBe(4.5);
      expect(typeof (await Item.all().avg('price'))).toBe('string');
      expect(Number(await Item.all().avg('price'))).toBeCloseTo(11.5);
      expect(await Item.all().min('name')).toBe('apple');
      expect(await Item.all().max('qty')).toBe(9);
      const latest = await Item.all().max('happenedAt');
      expect(latest).toBeInstanceOf(Date);
      expect(await Item.where({ qty: { gt: 100 } }).sum('qty')).toBe(0);
      expect(await Item.where({ qty: { gt: 100 } }).max('qty')).toBeNull();
    });

    it('aggregates respect limit and offset', async () => {
      expect(await Item.order({ qty: 'desc' }).limit(3).count()).toBe(3);
      expect(await Item.order({ qty: 'desc' }).limit(3).sum('qty')).toBe(24);
    });

    it('groupBy', async () => {
      const counts = await Item.all().groupBy('category').count();
      expect(counts.sort((a, b) => a.category.localeCompare(b.category))).toEqual([
        { category: 'food', count: 4 },
        { category: 'tools', count: 3 },
        { category: 'toys', count: 3 },
      ]);
      const sums = await Item.where({ qty: { gt: 0 } })
        .groupBy('category')
        .sum('qty');
      expect(sums.find((s) => s.category === 'tools')?.sum).toBe(3);
    });

    it('pluck one or several fields', async () => {
      expect(await Item.where({ category: 'tools' }).order({ qty: 'asc' }).pluck('name')).toEqual([
        'hammer',
        'saw',
        'drill',
      ]);
      const pairs = await Item.where({ qty: [0, 1] })
        .order({ qty: 'asc' })
        .pluck('name', 'qty');
      expect(pairs).toEqual([
        ['hammer', 0],
        ['saw', 1],
      ]);
    });

    it('updateAll and deleteAll change only the matching rows and return counts', async () => {
      expect(await Item.where({ category: 'toys' }).updateAll({ note: 'toy' })).toBe(3);
      expect(await Item.where({ note: 'toy' }).count()).toBe(3);
      expect(await Item.where({ category: 'food' }).count()).toBe(4);
      expect(await Item.where({ qty: { gte: 8 } }).deleteAll()).toBe(2);
      expect(await Item.count()).toBe(8);
    });

    it('updateAll and deleteAll with order and limit touch exactly those rows', async () => {
      expect(await Item.order({ qty: 'desc' }).limit(2).updateAll({ note: 'top' })).toBe(2);
      expect((await Item.where({ note: 'top' }).pluck('qty')).sort()).toEqual([8, 9]);
      expect(await Item.order({ qty: 'asc' }).limit(3).deleteAll()).toBe(3);
      expect(await Item.all().min('qty')).toBe(3);
    });

    it('updateAll checks fields and values before any SQL', async () => {
      db().resetQueries();
      await expect(Item.all().updateAll({ nope: 1 } as never)).rejects.toBeInstanceOf(
        InvalidQueryError,
      );
      await expect(Item.all().updateAll({ qty: 'many' } as never)).rejects.toBeInstanceOf(
        InvalidQueryError,
      );
      expect(db().queries).toHaveLength(0);
    });

    it('toSQL shows the statement with placeholders only', () => {
      expect(
        Item.where({ name: 'x', qty: [1, 2] })
          .order({ id: 'desc' })
          .limit(5)
          .toSQL(),
      ).toEqual({
        text: 'SELECT * FROM "q_items" WHERE "name" = $1 AND "qty" = ANY($2::integer[]) ORDER BY "id" DESC LIMIT $3',
        values: ['x', [1, 2], 5],
      });
    });

    it('forUpdate locks the rows inside a transaction', async () => {
      await db().orm.transaction(async () => {
        const [item] = await Item.where({ name: 'saw' }).forUpdate();
        await item!.update({ qty: item!.qty + 10 });
      });
      expect((await Item.findBy({ name: 'saw' }))?.qty).toBe(11);
      expect(Item.all().forUpdate({ skipLocked: true }).toSQL().text).toMatch(
        /FOR UPDATE SKIP LOCKED$/,
      );
      expect(Item.all().forShare({ noWait: true }).toSQL().text).toMatch(/FOR SHARE NOWAIT$/);
      expect(() => Item.all().forUpdate({ skipLocked: true, noWait: true })).toThrow(
        InvalidQueryError,
      );
    });
  },
);

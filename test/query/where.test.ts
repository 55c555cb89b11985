import { sql } from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import { Item, catalogSchema, seedCatalog, uuidA } from './catalog-model';

describeEachDatabase(
  'where operators',
  { models: [Item], schema: catalogSchema, options: { logValues: true } },
  (db) => {
    beforeAll(() => seedCatalog());

    const names = async (query: PromiseLike<Item[]>) => (await query).map((i) => i.name).sort();

    it('equality, comparison and between', async () => {
      expect(await names(Item.where({ name: 'saw' }))).toEqual(['saw']);
      expect(await names(Item.where({ qty: { gt: 7 } }))).toEqual(['cheese', 'pear']);
      expect(await names(Item.where({ qty: { gte: 8, lt: 9 } }))).toEqual(['cheese']);
      expect(await names(Item.where({ qty: { lte: 1 } }))).toEqual(['hammer', 'saw']);
      expect(await names(Item.where({ qty: { between: [2, 3] } }))).toEqual(['ball', 'drill']);
      expect(await names(Item.where({ name: { ne: 'saw' }, qty: { lt: 2 } }))).toEqual(['hammer']);
      expect(await names(Item.where({ price: { gt: '19.00' } }))).toEqual(['pear']);
      expect(
        await names(Item.where({ happenedAt: { gte: new Date(Date.UTC(2024, 0, 9)) } })),
      ).toEqual(['cheese', 'pear']);
    });

    it('null means IS NULL; ne null means IS NOT NULL; isNull both ways', async () => {
      expect(await names(Item.where({ note: null }))).toEqual(['apple', 'ball', 'hammer', 'pear']);
      expect(await Item.where({ note: { ne: null } }).count()).toBe(6);
      expect(await Item.where({ note: { isNull: false } }).count()).toBe(6);
      expect(await Item.where({ attrs: null }).count()).toBe(5);
    });

    it('an array is IN with one array parameter; [x, null] also matches NULL', async () => {
      db().resetQueries();
      expect(await names(Item.where({ qty: [1, 3, 5] }))).toEqual(['ball', 'kite', 'saw']);
      const { text, values } = db().queries[0]!;
      expect(text).toContain('"qty" = ANY($1::integer[])');
      expect(values).toEqual([[1, 3, 5]]);
      expect(await names(Item.where({ note: ['note 1', null] }))).toEqual([
        'apple',
        'ball',
        'hammer',
        'pear',
        'saw',
      ]);
      expect(await names(Item.where({ qty: { notIn: [0, 1, 2, 3, 4, 5, 6, 7] } }))).toEqual([
        'cheese',
        'pear',
      ]);
      expect(await Item.where({ qty: [] }).count()).toBe(0);
      expect(await Item.where({ qty: { notIn: [] } }).count()).toBe(10);
    });

    it('100,000 ids bind as one parameter', async () => {
      const ids = Array.from({ length: 100_000 }, (_, i) => i + 1);
      db().resetQueries();
      expect(await Item.where({ id: ids }).count()).toBe(10);
      expect(db().queries[0]!.values).toHaveLength(1);
      expect(db().queries[0]!.text).not.toContain('$2');
    });

    it('text matching', async () => {
      expect(await names(Item.where({ name: { like: 'd%' } }))).toEqual(['doll', 'drill']);
      expect(await names(Item.where({ name: { ilike: 'D%L' } }))).toEqual(['doll', 'drill']);
      expect(await Item.where({ name: { notLike: '%e%' } }).count()).toBe(4);
      expect(await Item.where({ name: { notIlike: '%E%' } }).count()).toBe(4);
    });

    it('enum, uuid and numeric values', async () => {
      expect(await Item.where({ category: 'toys' }).count()).toBe(3);
      expect(await Item.where({ category: ['toys', 'food'] }).count()).toBe(7);
      expect(await Item.where({ category: { notIn: ['toys'] } }).count()).toBe(7);
      expect(await names(Item.where({ ref: uuidA }))).toEqual(['hammer']);
      expect(await names(Item.where({ ref: [uuidA] }))).toEqual(['hammer']);
      expect(await names(Item.where({ price: '4.50' }))).toEqual(['saw']);
    });

    it('array columns: equality, contains, containedBy, overlaps', async () => {
      expect(await Item.where({ tags: ['even'] }).count()).toBe(5);
      expect(await names(Item.where({ tags: { contains: ['odd', 's'] } }))).toEqual(['saw']);
      expect(await Item.where({ tags: { containedBy: ['even', 'x'] } }).count()).toBe(5);
      expect(await names(Item.where({ tags: { overlaps: ['k', 'p'] } }))).toEqual(['kite', 'pear']);
    });

    it('jsonb: contains and hasKey', async () => {
      expect(await Item.where({ attrs: { contains: { color: 'red' } } }).count()).toBe(2);
      expect(await names(Item.where({ attrs: { contains: { color: 'blue', size: 4 } } }))).toEqual([
        'doll',
      ]);
      expect(await Item.where({ attrs: { hasKey: 'size' } }).count()).toBe(5);
      expect(await Item.where({ attrs: { hasKey: 'weight' } }).count()).toBe(0);
    });

    it('or() and whereNot() group conditions with the right precedence', async () => {
      const query = Item.where({ category: 'tools' })
        .where({ qty: { gt: 0 } })
        .or({ name: 'pear' });
      expect(await names(query)).toEqual(['drill', 'pear', 'saw']);
      expect(
        await names(Item.where({ category: 'toys' }).whereNot({ name: ['ball', 'doll'] })),
      ).toEqual(['kite']);
      // NOT over a nullable column: rows where the condition is unknown stay out, as in SQL
      expect(await Item.all().whereNot({ note: 'note 1' }).count()).toBe(5);
    });

    it('raw sql fragments, alone or as a value, are parameterized', async () => {
      expect(await names(Item.where(sql`lower(name) = ${'SAW'.toLowerCase()}`))).toEqual(['saw']);
      expect(await names(Item.where({ qty: sql`${2} + 1` }))).toEqual(['ball']);
      db().resetQueries();
      await Item.where(sql`name = ${"x' or '1'='1"}`);
      expect(db().queries[0]!.text).not.toContain("'1'='1");
    });

    it('findBy, first, last and exists', async () => {
      expect((await Item.findBy({ name: 'kite' }))?.qty).toBe(5);
      expect(await Item.findBy({ name: 'nothing' })).toBeNull();
      expect((await Item.where({ category: 'food' }).first())?.name).toBe('apple');
      expect((await Item.where({ category: 'food' }).last())?.name).toBe('pear');
      expect((await Item.order({ qty: 'desc' }).first())?.name).toBe('pear');
      expect(await Item.where({ name: 'saw' }).exists()).toBe(true);
      expect(await Item.exists({ name: 'nothing' })).toBe(false);
    });
  },
);

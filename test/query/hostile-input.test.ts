import { InvalidQueryError, InvalidValueError, UnknownFieldError, sql } from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import { Item, catalogSchema, seedCatalog } from './catalog-model';

/** Input as it arrives from a request body or query string: untyped. */
const fromRequest = (json: string): never => JSON.parse(json) as never;

describeEachDatabase('hostile input', { models: [Item], schema: catalogSchema }, (db) => {
  beforeAll(() => seedCatalog());

  /** Asserts that building or running the query throws `type` and that no SQL was sent. */
  async function rejectsBeforeSql(run: () => unknown, type: new (...args: never[]) => Error) {
    db().resetQueries();
    let caught: unknown;
    try {
      await run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(type);
    expect(db().queries).toHaveLength(0);
    return caught as Error;
  }

  it('unknown fields, __proto__ and constructor keys in where', async () => {
    const error = await rejectsBeforeSql(
      () => Item.where(fromRequest('{"nmae": "x"}')),
      UnknownFieldError,
    );
    expect(error.message).toBe(
      'Item has no field "nmae"; known fields: id, name, price, qty, category, ref, tags, attrs, note, happenedAt',
    );
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"__proto__": {"x": 1}}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"constructor": "x"}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(() => Item.where(fromRequest('{"toString": "x"}')), InvalidQueryError);
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"name; drop table q_items": "x"}')),
      InvalidQueryError,
    );
  });

  it('unknown operators and operator objects that are not operators', async () => {
    const error = await rejectsBeforeSql(
      () => Item.where(fromRequest('{"qty": {"$gt": 1}}')),
      InvalidQueryError,
    );
    expect(error.message).toMatch(/Item\.qty: unknown operator "\$gt"; use one of eq, ne/);
    await rejectsBeforeSql(() => Item.where(fromRequest('{"qty": {}}')), InvalidQueryError);
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"qty": {"__proto__": 1}}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"name": {"like": 5}}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"qty": {"like": "1%"}}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"qty": {"between": [1]}}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"name": {"hasKey": "a"}}')),
      InvalidQueryError,
    );
  });

  it('values of the wrong type, without echoing them', async () => {
    const error = await rejectsBeforeSql(
      () => Item.where(fromRequest('{"qty": "1 or 1=1"}')),
      InvalidValueError,
    );
    expect(error.message).not.toContain('1=1');
    expect(error.message).toMatch(/Item\.qty expects/);
    await rejectsBeforeSql(() => Item.where(fromRequest('{"name": {"a": 1}}')), InvalidQueryError);
    await rejectsBeforeSql(() => Item.where(fromRequest('{"qty": 1.5}')), InvalidValueError);
    await rejectsBeforeSql(() => Item.where(fromRequest('{"qty": [1, "two"]}')), InvalidValueError);
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"category": "weapons"}')),
      InvalidValueError,
    );
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"ref": "not-a-uuid"}')),
      InvalidValueError,
    );
    await rejectsBeforeSql(() => Item.where(fromRequest('{"price": "12,50"}')), InvalidValueError);
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"happenedAt": "yesterday"}')),
      InvalidValueError,
    );
    await rejectsBeforeSql(() => Item.where({ qty: undefined } as never), InvalidQueryError);
    await rejectsBeforeSql(() => Item.where({ qty: Number.NaN }), InvalidValueError);
    await rejectsBeforeSql(
      () => Item.where(fromRequest('{"qty": "99999999999"}')),
      InvalidValueError,
    );
    // digit strings (query strings) are accepted for integer fields
    expect(await Item.where(fromRequest('{"qty": "2"}')).count()).toBe(1);
  });

  it('order by unknown fields, bad directions and injection attempts', async () => {
    await rejectsBeforeSql(
      () => Item.order(fromRequest('"name; drop table q_items"')),
      UnknownFieldError,
    );
    await rejectsBeforeSql(
      () => Item.order(fromRequest('{"name": "desc; drop table q_items"}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(
      () => Item.order(fromRequest('{"name": {"nulls": "sideways"}}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(
      () => Item.order(fromRequest('{"__proto__": "asc"}')),
      InvalidQueryError,
    );
    await rejectsBeforeSql(() => Item.order(fromRequest('5')), InvalidQueryError);
  });

  it('limit, offset and batch sizes must be non-negative integers', async () => {
    await rejectsBeforeSql(() => Item.all().limit(-1), InvalidQueryError);
    await rejectsBeforeSql(() => Item.all().limit(Number.NaN), InvalidQueryError);
    await rejectsBeforeSql(() => Item.all().offset(1.5), InvalidQueryError);
    await rejectsBeforeSql(
      () => Item.all().limit(fromRequest('"10; drop table q_items"')),
      InvalidQueryError,
    );
  });

  it('unknown fields in writes', async () => {
    await rejectsBeforeSql(
      () => Item.create(fromRequest('{"name": "x", "isAdmin": true}')),
      UnknownFieldError,
    );
    await rejectsBeforeSql(
      () => Item.build(fromRequest('{"__proto__": {"polluted": true}}')),
      InvalidQueryError,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await rejectsBeforeSql(
      () => Item.all().updateAll(fromRequest('{"constructor": 1}')),
      InvalidQueryError,
    );
  });

  it('injection attempts in values are stored and compared as plain text', async () => {
    const attack = "x'); drop table q_items; --";
    const item = await Item.create({
      name: attack,
      price: '1.00',
      qty: 1,
      category: 'toys',
      tags: ["'}", '"{', '\\'],
      attrs: { "key'); drop table q_items; --": '"value"' },
      happenedAt: new Date(),
    });
    expect((await Item.findBy({ name: attack }))?.id).toBe(item.id);
    expect((await Item.find(item.id)).tags).toEqual(["'}", '"{', '\\']);
    expect(await Item.where({ attrs: { hasKey: "key'); drop table q_items; --" } }).count()).toBe(
      1,
    );
    expect(await Item.where({ name: { like: "%'); drop%" } }).count()).toBe(1);
    expect(await Item.where(sql`name = ${attack}`).count()).toBe(1);
    expect(await Item.count()).toBe(11);
    await item.destroy();
  });

  it('a huge IN list is one parameter, and a huge offset is just empty', async () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => -i);
    db().resetQueries();
    expect(await Item.where({ id: { notIn: ids } }).count()).toBe(10);
    expect(db().queries[0]!.text.match(/\$\d+/g)).toEqual(['$1']);
    expect(await Item.all().offset(2 ** 40)).toEqual([]);
  });
});

import type { Driver } from '../../lib';
import { describeEachDatabase } from '../support/test-database';

const schema = `create table ar_items (id serial primary key, name text not null, seen_at timestamptz)`;

describeEachDatabase('rows asked for as arrays', { models: [], schema }, (db) => {
  const driver = (): Driver => db().orm.driver;
  const seenAt = new Date('2025-06-07T08:09:10.123Z');

  beforeAll(async () => {
    await driver().query('insert into ar_items (name, seen_at) values ($1, $2), ($3, null)', [
      'lamp',
      seenAt,
      'desk',
    ]);
  });

  it('come as arrays of converted values, with the columns named in order', async () => {
    const result = await driver().query('select id, name, seen_at from ar_items order by id', [], {
      arrays: true,
    });
    expect(result.fields).toEqual(['id', 'name', 'seen_at']);
    expect(result.rows).toEqual([
      [1, 'lamp', seenAt],
      [2, 'desk', null],
    ]);
    expect(result.rowCount).toBe(2);
  });

  it('name every column of an empty answer', async () => {
    const result = await driver().query('select id, name from ar_items where id < 0', [], {
      arrays: true,
    });
    expect(result).toEqual({ rows: [], rowCount: 0, fields: ['id', 'name'] });
  });

  it('keep the same name twice, where objects would keep one value', async () => {
    const arrays = await driver().query('select 1 as n, 2 as n', [], { arrays: true });
    expect(arrays.rows).toEqual([[1, 2]]);
    expect(arrays.fields).toEqual(['n', 'n']);
    const objects = await driver().query('select 1 as n, 2 as n', []);
    expect(objects.rows).toEqual([{ n: 2 }]);
    expect(objects.fields).toBeUndefined();
  });

  it('come as arrays on a session of its own too', async () => {
    const session = await driver().acquire();
    try {
      await session.query('begin', []);
      const result = await session.query('select name from ar_items where id = $1', [2], {
        arrays: true,
      });
      await session.query('commit', []);
      expect(result.rows).toEqual([['desk']]);
      expect(result.fields).toEqual(['name']);
    } finally {
      session.release();
    }
  });
});

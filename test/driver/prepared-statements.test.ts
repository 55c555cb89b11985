import {
  Column,
  InvalidQueryError,
  Model,
  Orm,
  PgDriver,
  PrimaryKey,
  QueryError,
  Table,
  sql,
} from '../../lib';
import { describeOnServer } from '../support/test-database';

@Table('prep_notes')
class Note extends Model {
  @PrimaryKey() id!: number;
  @Column() body!: string;
}

interface Prepared {
  name: string;
  statement: string;
}

describeOnServer('prepared statements', (url) => {
  let orm: Orm;

  async function connect(pool: ConstructorParameters<typeof PgDriver>[1] = {}): Promise<Orm> {
    return Orm.connect({ driver: new PgDriver(url(), { max: 1, ...pool }), models: [Note] });
  }

  /** What the one connection of the pool has prepared. */
  function preparedOn(connection: Orm): Promise<Prepared[]> {
    return connection.query<Prepared>(
      sql`select name, statement from pg_prepared_statements order by prepare_time`,
    );
  }

  beforeAll(async () => {
    orm = await connect();
    await orm.query(sql`drop table if exists prep_notes`);
    await orm.query(sql`create table prep_notes (id serial primary key, body text not null)`);
    await Note.create({ body: 'first' });
  });

  afterAll(async () => {
    await orm.close();
  });

  it('a statement with values is prepared once per connection, and planned for its values', async () => {
    await Note.find(1);
    await Note.find(1);
    const prepared = (await preparedOn(orm)).filter((p) =>
      p.statement.startsWith('SELECT * FROM "prep_notes"'),
    );
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.name).toMatch(/^nar_\d+$/);
    const [mode] = await orm.query<{ plan_cache_mode: string }>(sql`show plan_cache_mode`);
    expect(mode!.plan_cache_mode).toBe('force_custom_plan');
  });

  it('a column added to the table: the next read prepares afresh and sees it', async () => {
    await Note.find(1);
    await orm.query(sql`alter table prep_notes add column extra integer default 7`);
    try {
      const [row] = await orm.query<{ extra: number }>(
        sql`select * from prep_notes where id = ${1}`,
      );
      expect(row!.extra).toBe(7);
      const again = await Note.find(1);
      expect(again.body).toBe('first');
    } finally {
      await orm.query(sql`alter table prep_notes drop column extra`);
    }
  });

  it('inside a transaction a stale plan fails that transaction only; the next one works', async () => {
    await orm.query(sql`select * from prep_notes where id = ${1}`);
    await orm.query(sql`alter table prep_notes add column extra integer`);
    try {
      await expect(
        orm.transaction(() => orm.query(sql`select * from prep_notes where id = ${1}`)),
      ).rejects.toThrow(QueryError);
      const rows = await orm.transaction(() =>
        orm.query(sql`select * from prep_notes where id = ${1}`),
      );
      expect(rows).toHaveLength(1);
    } finally {
      await orm.query(sql`alter table prep_notes drop column extra`);
    }
  });

  it('a connection keeps at most perConnection statements prepared', async () => {
    const bounded = await connect({ preparedStatements: { perConnection: 3 } });
    try {
      for (let n = 1; n <= 10; n++) {
        await bounded.query(sql`select ${n}::int as ${sql.id(`n${n}`)}`);
        expect((await preparedOn(bounded)).length).toBeLessThanOrEqual(3);
      }
      const [row] = await bounded.query<{ n: number }>(sql`select ${1}::int + 1 as n`);
      expect(row!.n).toBe(2);
    } finally {
      await bounded.close();
    }
  });

  it('preparedStatements: false sends every statement unnamed', async () => {
    const unnamed = await connect({ preparedStatements: false });
    try {
      await unnamed.query(sql`select ${1}::int as n`);
      expect(await preparedOn(unnamed)).toEqual([]);
    } finally {
      await unnamed.close();
    }
  });

  it('a malformed setting is refused at construction', () => {
    expect(() => new PgDriver(url(), { preparedStatements: { perConnection: 0 } })).toThrow(
      InvalidQueryError,
    );
    expect(() => new PgDriver(url(), { preparedStatements: 'yes' as never })).toThrow(
      InvalidQueryError,
    );
  });
});

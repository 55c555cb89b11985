import {
  BelongsTo,
  Column,
  ManyToMany,
  Model,
  PrimaryKey,
  Table,
  TransactionError,
  UniqueViolationError,
  Orm,
  PgliteDriver,
  sql,
} from '../../lib';
import { useTransactionalTests } from '../../lib/testing';
import { describeEachDatabase } from '../support/test-database';

@Table('authors')
class Author extends Model {
  @PrimaryKey() id!: number;
  @Column({ unique: true }) name!: string;
}

@Table('tags')
class Tag extends Model {
  @PrimaryKey() id!: number;
  @Column() label!: string;
}

@Table('posts')
class Post extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
  @Column() authorId!: number;
  @BelongsTo(() => Author) author!: Author;
  @ManyToMany(() => Tag, { through: 'post_tags' }) tags!: Tag[];
}

const schema = `
  create table authors (id int generated always as identity primary key, name text not null unique);
  create table tags (id int generated always as identity primary key, label text not null);
  create table posts (id int generated always as identity primary key, title text not null,
    author_id int not null references authors (id));
  create table post_tags (post_id int not null references posts (id),
    tag_id int not null references tags (id), primary key (post_id, tag_id));
  insert into authors (name) values ('seeded before the tests');
`;

describeEachDatabase(
  'each test in a rolled-back transaction',
  { models: [Author, Tag, Post], schema },
  (db) => {
    useTransactionalTests();

    it('writes rows that the test sees', async () => {
      await Author.create({ name: 'Ada' });
      expect(await Author.where({ name: 'Ada' }).count()).toBe(1);
      expect(await Author.count()).toBe(2);
    });

    it('starts from the data before the tests: the previous test left nothing', async () => {
      expect(await Author.order('id').pluck('name')).toEqual(['seeded before the tests']);
    });

    it('goes on after a failed statement outside any transaction (a 409 in an app)', async () => {
      await Author.create({ name: 'Grace' });
      await expect(Author.create({ name: 'Grace' })).rejects.toBeInstanceOf(UniqueViolationError);
      // Without a savepoint per statement, PostgreSQL would refuse everything from here on.
      await Author.create({ name: 'Linus' });
      expect(await Author.count()).toBe(3);
    });

    it("rolls back a failed transaction of the code alone, keeping the test's rows", async () => {
      await Author.create({ name: 'kept' });
      await expect(
        db().orm.transaction(async () => {
          await Author.create({ name: 'undone' });
          throw new Error('business rule');
        }),
      ).rejects.toThrow('business rule');
      expect(await Author.order('id').pluck('name')).toEqual(['seeded before the tests', 'kept']);
    });

    it('runs afterCommit callbacks when a transaction of the code succeeds, not when it fails', async () => {
      const calls: string[] = [];
      await db().orm.transaction(async () => {
        await Author.create({ name: 'committed' });
        await db().orm.afterCommit(() => calls.push('after commit'));
        expect(calls).toEqual([]);
      });
      expect(calls).toEqual(['after commit']);
      await db()
        .orm.transaction(async () => {
          await db().orm.afterCommit(
            () => calls.push('never'),
            () => calls.push('after rollback'),
          );
          throw new Error('fails');
        })
        .catch(() => undefined);
      expect(calls).toEqual(['after commit', 'after rollback']);
      // Outside the code's transactions a callback runs at once, as it would in production.
      await db().orm.afterCommit(() => calls.push('at once'));
      expect(calls.at(-1)).toBe('at once');
    });

    it('refuses to commit a transaction of the code in which a statement failed', async () => {
      await expect(
        db().orm.transaction(async () => {
          await Author.create({ name: 'dup' });
          await Author.create({ name: 'dup' }).catch(() => undefined);
        }),
      ).rejects.toBeInstanceOf(TransactionError);
      expect(await Author.where({ name: 'dup' }).count()).toBe(0);
      expect(await Author.count()).toBe(1);
    });

    it('makes requiresNew and nested transactions savepoints of the test', async () => {
      await db().orm.transaction(async () => {
        await Author.create({ name: 'outer' });
        await db()
          .orm.transaction({ propagation: 'requiresNew' }, async () => {
            await Author.create({ name: 'inner' });
            throw new Error('inner fails');
          })
          .catch(() => undefined);
        await db().orm.transaction({ propagation: 'nested' }, async () => {
          await Author.create({ name: 'nested' });
        });
      });
      expect(await Author.where({ name: ['outer', 'inner', 'nested'] }).pluck('name')).toEqual([
        'outer',
        'nested',
      ]);
    });

    it('queues concurrent transactions of the code instead of interleaving them', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          db().orm.transaction(async () => {
            await Author.create({ name: `writer ${i}` });
            if (i % 2) throw new Error(`writer ${i} fails`);
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      expect((await Author.where({ name: { like: 'writer %' } }).pluck('name')).sort()).toEqual([
        'writer 0',
        'writer 2',
        'writer 4',
        'writer 6',
      ]);
    });
  },
);

describeEachDatabase(
  'a test transaction by hand',
  { models: [Author, Tag, Post], schema },
  (db) => {
    const orm = (): Orm => db().orm;

    it('ends with its rollback: what it wrote is gone, and the connection works as before', async () => {
      const test = await orm().beginTestTransaction();
      await Author.create({ name: 'inside' });
      await test.rollback();
      expect(await Author.where({ name: 'inside' }).count()).toBe(0);
      // After the rollback the connection works as before, outside any test transaction.
      const outside = await Author.create({ name: 'outside' });
      expect(await Author.where({ name: 'outside' }).count()).toBe(1);
      await outside.destroy();
    });

    it('refuses a second test transaction on the same connection', async () => {
      const test = await orm().beginTestTransaction();
      await expect(orm().beginTestTransaction()).rejects.toThrow(/already open/);
      await test.rollback();
    });

    it('is rolled back when its connection closes in the middle of a test', async () => {
      // A second connection to the same database (the server) or its own (in memory).
      const open = () =>
        Orm.connect({
          models: [],
          ...(db().url ? { url: db().url } : { driver: new PgliteDriver() }),
        });
      const other = await open();
      await other.query(sql`create table if not exists notes (body text)`);
      await other.beginTestTransaction();
      await other.query(sql`insert into notes values ('left open')`);
      // close() must not wait for the session the test holds (a pool would, for good).
      await other.close();
      if (db().kind === 'postgres') {
        const again = await open();
        expect(await again.query(sql`select * from notes`)).toEqual([]);
        await again.close();
      }
    });
  },
);

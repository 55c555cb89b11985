import 'reflect-metadata';
import {
  BelongsTo,
  Column,
  Model,
  Orm,
  PrimaryKey,
  Table,
  sql,
  type QueryOptions,
  type QueryResult,
} from '../../lib';
import { WrappedPgliteDriver } from '../support/wrapped-pglite-driver';

@Table('or_authors')
class Author extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table('or_books')
class Book extends Model {
  @PrimaryKey() id!: number;
  @Column() authorId!: number;
  @Column() title!: string;
  @Column({ type: 'timestamptz' }) publishedAt!: Date;
  @BelongsTo(() => Author, { foreignKey: 'authorId' }) author!: Author;
}

/** The embedded driver, answering every statement with rows by name, as a driver of the application's may. */
class ObjectRowsDriver extends WrappedPgliteDriver {
  /** How many statements asked for arrays. */
  askedForArrays = 0;

  constructor() {
    super('object-rows-driver');
  }

  query<Row>(
    text: string,
    values: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    if (options?.arrays) this.askedForArrays++;
    return this.inner.query<Row>(text, values);
  }
}

describe('a driver that answers objects where arrays were asked for [pglite]', () => {
  let orm: Orm;
  let driver: ObjectRowsDriver;
  const published = new Date('2023-04-05T06:07:08.009Z');

  beforeAll(async () => {
    driver = new ObjectRowsDriver();
    orm = await Orm.connect({ driver, models: [Author, Book] });
    await orm.query(sql`create table or_authors (id serial primary key, name text not null)`);
    await orm.query(
      sql`create table or_books (id serial primary key, author_id integer not null,
          title text not null, published_at timestamptz not null)`,
    );
    const author = await Author.create({ name: 'Le Guin' });
    for (const title of ['Earthsea', 'Lathe']) {
      await Book.create({ authorId: author.id, title, publishedAt: published });
    }
  });

  afterAll(() => orm.close());

  it('gives the same records, clean, tracked and saved as any', async () => {
    driver.askedForArrays = 0;
    const books = await Book.order({ id: 'asc' });
    const found = await Book.find(books[0]!.id);
    expect(driver.askedForArrays).toBe(2);
    expect(books.map((b) => ({ ...b }))).toEqual([
      { id: 1, authorId: 1, title: 'Earthsea', publishedAt: published },
      { id: 2, authorId: 1, title: 'Lathe', publishedAt: published },
    ]);
    expect((await books[1]!.load('author')).name).toBe('Le Guin');
    expect(found.changed()).toBe(false);
    found.publishedAt.setUTCFullYear(2024);
    expect(Object.keys(found.changes)).toEqual(['publishedAt']);
    await found.save();
    expect((await Book.where({ id: found.id }))[0]!.publishedAt.getUTCFullYear()).toBe(2024);
  });
});

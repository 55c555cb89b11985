/**
 * Compile-time contract of relations. `npm test` type-checks this file: every
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import {
  BelongsTo,
  Column,
  HasMany,
  ManyToMany,
  Model,
  PrimaryKey,
  Table,
  type AttributeKeys,
  type RelationKeys,
} from '../../lib';

@Table()
class Writer extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @HasMany(() => Book, { foreignKey: 'writerId' }) books!: Book[];
  @ManyToMany(() => Writer, {
    through: 'writer_follows',
    foreignKey: 'followerId',
    otherKey: 'followedId',
  })
  following!: Writer[];
}

@Table()
class Book extends Model {
  @PrimaryKey() id!: number;
  @Column() writerId!: number;
  @Column() title!: string;
  @Column() stars!: number;
  @BelongsTo(() => Writer) writer!: Writer;
  @HasMany(() => Chapter) chapters!: Chapter[];
}

@Table()
class Chapter extends Model {
  @PrimaryKey() id!: number;
  @Column() bookId!: number;
  @Column() heading!: string;
  @BelongsTo(() => Book) book!: Book;
}

export async function relationContract(): Promise<void> {
  // Relations are not attributes, and attributes are not relations.
  const relation: RelationKeys<Book> = 'writer';
  const attribute: AttributeKeys<Book> = 'title';
  // @ts-expect-error a relation is not an attribute
  const notAttribute: AttributeKeys<Book> = 'writer';
  // @ts-expect-error an attribute is not a relation
  const notRelation: RelationKeys<Book> = 'title';
  void [relation, attribute, notAttribute, notRelation];

  // Include paths are typed, through several levels and self-references.
  Book.include('writer', 'chapters', 'writer.books.chapters', 'chapters.book.writer');
  Writer.include('following.following.books');
  Book.include({ chapters: (q) => q.where({ heading: { like: 'A%' } }).order({ id: 'desc' }) });
  Book.include({ writer: { books: true } });
  // @ts-expect-error unknown relation
  Book.include('author');
  // @ts-expect-error unknown nested relation
  Book.include('writer.chapters');
  // @ts-expect-error a column is not a relation
  Book.include('title');
  // @ts-expect-error the refining function works on the related model's fields
  Book.include({ chapters: (q) => q.where({ title: 'x' }) });

  // Filtering and ordering through relations use the related model's fields.
  Book.where({ writer: { name: 'Ada' }, stars: { gte: 4 } });
  Writer.where({ books: { chapters: { heading: 'Intro' } } });
  Book.order({ writer: { name: 'asc' } });
  // @ts-expect-error unknown field of the related model
  Book.where({ writer: { title: 'x' } });
  // @ts-expect-error wrong value type in a relation filter
  Writer.where({ books: { stars: 'five' } });
  // @ts-expect-error unknown field to order by through a relation
  Book.order({ writer: { nmae: 'asc' } });

  // load resolves to the relation's type.
  const book = (await Book.first())!;
  const writer: Writer = await book.load('writer');
  const chapters: Chapter[] = await book.load('chapters');
  // @ts-expect-error load takes relation names only
  await book.load('title');
  // @ts-expect-error a relation holds records of its own target
  const wrong: Chapter[] = await book.load('writer');
  void [writer, chapters, wrong];

  // Association writes are typed by the relation's target.
  const chapter: Chapter = book.build('chapters', { heading: 'One' });
  // @ts-expect-error attributes of the target model
  book.build('chapters', { title: 'One' });
  await writer.addTo('following', writer);
  // @ts-expect-error records of the relation's target only
  await writer.addTo('books', chapter);
  await book.countOf('chapters');
  // @ts-expect-error countOf takes relation names
  await book.countOf('stars');
  const counted: Book[] = await Book.withCount('chapters').where({ stars: 5 });
  // @ts-expect-error withCount takes relation names
  Book.withCount('stars');
  // @ts-expect-error withCount takes relation names
  Book.all().withCount('chapter');
  void counted;
}

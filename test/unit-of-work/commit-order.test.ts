import { BelongsTo, Column, HasMany, ManyToMany, Model, PrimaryKey, Table } from '../../lib';
import { resolveModelMeta, type ModelMeta } from '../../lib/metadata/model-meta';
import { commitOrder } from '../../lib/unit-of-work/commit-order';

// Metadata only: the order is computed from the models' belongsTo relations, no database.

@Table('order_authors')
class Author extends Model {
  @PrimaryKey() id!: number;
  @HasMany(() => Book) books!: Book[];
}

@Table('order_books')
class Book extends Model {
  @PrimaryKey() id!: number;
  @Column() authorId!: number;
  @BelongsTo(() => Author) author!: Author;
}

@Table('order_reviews')
class Review extends Model {
  @PrimaryKey() id!: number;
  @Column() bookId!: number;
  @BelongsTo(() => Book) book!: Book;
}

@Table('order_tags')
class Tag extends Model {
  @PrimaryKey() id!: number;
  @ManyToMany(() => Book, { through: 'order_book_tags' }) books!: Book[];
}

@Table('order_categories')
class Category extends Model {
  @PrimaryKey() id!: number;
  @Column({ nullable: true, type: 'integer' }) parentId!: number | null;
  @BelongsTo(() => Category) parent!: Category | null;
}

@Table('order_products')
class Product extends Model {
  @PrimaryKey() id!: number;
  @Column() categoryId!: number;
  @BelongsTo(() => Category) category!: Category;
}

@Table('order_departments')
class Department extends Model {
  @PrimaryKey() id!: number;
  @Column({ nullable: true, type: 'integer' }) managerId!: number | null;
  @BelongsTo(() => Employee) manager!: Employee | null;
}

@Table('order_employees')
class Employee extends Model {
  @PrimaryKey() id!: number;
  @Column() departmentId!: number;
  @BelongsTo(() => Department) department!: Department;
}

@Table('order_photos')
class Photo extends Model {
  @PrimaryKey() id!: number;
}

@Table('order_comments')
class Comment extends Model {
  @PrimaryKey() id!: number;
  @Column() subjectId!: number;
  @Column() subjectType!: string;
  @BelongsTo(() => [Book, Photo], { polymorphic: true }) subject!: Book | Photo;
}

@Table('order_tenant_orders')
class TenantOrder extends Model {
  @PrimaryKey() tenantId!: number;
  @PrimaryKey() id!: number;
}

@Table('order_tenant_lines')
class TenantLine extends Model {
  @PrimaryKey() tenantId!: number;
  @PrimaryKey() id!: number;
  @Column() orderId!: number;
  @BelongsTo(() => TenantOrder, { foreignKey: ['tenantId', 'orderId'] }) order!: TenantOrder;
}

@Table('order_book_authors')
class BookAuthor extends Model {
  @PrimaryKey() bookId!: number;
  @PrimaryKey() authorId!: number;
  @BelongsTo(() => Book) book!: Book;
  @BelongsTo(() => Author) author!: Author;
}

const models = [
  Author,
  Book,
  Review,
  Tag,
  Category,
  Product,
  Department,
  Employee,
  Photo,
  Comment,
  TenantOrder,
  TenantLine,
  BookAuthor,
];
const metas = new Map<object, ModelMeta>(models.map((m) => [m, resolveModelMeta(m)]));
for (const meta of metas.values()) meta.linkRelations((model) => metas.get(model)!);

/** The commit order of these models, as class names. */
function order(...given: Array<abstract new () => object>): string[] {
  return commitOrder(given.map((m) => metas.get(m)!)).map((m) => m.className);
}

describe('commit order of a flush', () => {
  it('puts parents before their children, whatever the given order', () => {
    expect(order(Book, Author)).toEqual(['Author', 'Book']);
    expect(order(Review, Book, Author)).toEqual(['Author', 'Book', 'Review']);
    expect(order(Author, Review, Book)).toEqual(['Author', 'Book', 'Review']);
  });

  it('keeps the given order of models without belongsTo edges between them', () => {
    expect(order(Tag, Photo, Author)).toEqual(['Tag', 'Photo', 'Author']);
    expect(order(Author, Photo, Tag)).toEqual(['Author', 'Photo', 'Tag']);
    // hasMany and manyToMany are not edges: the other side holds the key, or a join table.
    expect(order(Author, Tag)).toEqual(['Author', 'Tag']);
    expect(order(Tag, Book)).toEqual(['Tag', 'Book']);
  });

  it('only follows edges among the given models', () => {
    // Book is not written, so nothing ties Review to Author.
    expect(order(Review, Author)).toEqual(['Review', 'Author']);
    expect(order(Book)).toEqual(['Book']);
  });

  it('puts every target of a polymorphic belongsTo first, in the declared order', () => {
    expect(order(Comment, Photo, Book)).toEqual(['Book', 'Photo', 'Comment']);
    expect(order(Comment, Photo)).toEqual(['Photo', 'Comment']);
  });

  it('places a model that belongs to itself once, before the models that belong to it', () => {
    expect(order(Category)).toEqual(['Category']);
    expect(order(Product, Category)).toEqual(['Category', 'Product']);
  });

  it('follows belongsTo edges over composite keys, and a join model after both its sides', () => {
    expect(order(TenantLine, TenantOrder)).toEqual(['TenantOrder', 'TenantLine']);
    expect(order(BookAuthor, Book, Author)).toEqual(['Author', 'Book', 'BookAuthor']);
  });

  it('breaks a cycle of two models by placing the one given first last', () => {
    expect(order(Employee, Department)).toEqual(['Department', 'Employee']);
    expect(order(Department, Employee)).toEqual(['Employee', 'Department']);
  });
});

/**
 * Compile-time contract of queries and models. `npm test` type-checks this file: every
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import {
  Column,
  CreatedAt,
  Model,
  PrimaryKey,
  Table,
  sql,
  type IncludeStrategy,
  type Repository,
} from '../../lib';

@Table()
class Author extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @Column({ nullable: true }) bio!: string | null;
  @Column({ type: 'text[]' }) tags!: string[];
  @Column({ type: 'jsonb' }) settings!: { theme: string };
  @Column({ type: 'numeric' }) balance!: string;
  @CreatedAt() createdAt!: Date;

  greet(): string {
    return `hi ${this.name}`;
  }
}

export async function typeContract(repository: Repository<Author>): Promise<void> {
  // Field names and value types flow from the model.
  Author.where({ name: 'Ada', id: [1, 2], bio: null, createdAt: { gte: new Date() } });
  Author.where({ name: { like: 'A%' }, tags: { contains: ['x'] }, settings: { hasKey: 'theme' } });
  Author.where(sql`lower(name) = ${'ada'}`);
  Author.where({ id: 1 }).or({ name: 'x' }).whereNot({ bio: null });

  // @ts-expect-error unknown field
  Author.where({ nmae: 'x' });
  // @ts-expect-error wrong value type for a number field
  Author.where({ id: 'abc' });
  // @ts-expect-error null is only allowed on nullable fields
  Author.where({ name: null });
  // @ts-expect-error like applies to text fields only
  Author.where({ id: { like: '1%' } });
  // @ts-expect-error operator value type follows the field
  Author.where({ createdAt: { gt: 'yesterday' } });
  // @ts-expect-error methods are not fields
  Author.where({ greet: 'x' });
  // @ts-expect-error state getters are not fields
  Author.where({ isNew: true });

  Author.all().order({ createdAt: 'desc' }, 'id');
  // @ts-expect-error unknown order field
  Author.all().order({ nope: 'asc' });
  // @ts-expect-error bad direction
  Author.all().order({ name: 'sideways' });

  const ids: number[] = await Author.all().pluck('id');
  const pairs: Array<[number, string]> = await Author.all().pluck('id', 'name');
  // @ts-expect-error pluck of an unknown field
  await Author.all().pluck('nope');
  void ids;
  void pairs;

  const total: number = await Author.all().sum('id');
  const exact: string = await Author.all().sum('balance');
  const latest: Date | null = await Author.all().max('createdAt');
  void total;
  void exact;
  void latest;

  const partial = await Author.all().select('name');
  partial[0]?.name.toUpperCase();
  // @ts-expect-error unselected fields are not on the result type
  void partial[0]?.bio;

  const ada: Author = await Author.create({ name: 'Ada', tags: [] });
  // @ts-expect-error create checks value types
  await Author.create({ name: 42 });
  // @ts-expect-error create rejects unknown fields
  await Author.create({ nickname: 'x' });
  await ada.update({ bio: 'math' });
  // @ts-expect-error update checks value types
  await ada.update({ bio: 1 });
  ada.changed('name');
  // @ts-expect-error changed() takes a field
  ada.changed('nope');

  await Author.find(1);
  // @ts-expect-error find takes the primary key's type
  await Author.find('one');

  await Author.upsertAll([{ name: 'a' }], { conflict: ['name'] });
  // @ts-expect-error conflict fields are checked
  await Author.upsertAll([{ name: 'a' }], { conflict: ['nope'] });

  const viaRepository: Author[] = await repository.where({ name: 'x' }).limit(1);
  // @ts-expect-error repositories check fields too
  repository.where({ nope: 1 });
  void viaRepository;

  const grouped = await Author.all().groupBy('name').count();
  const firstName: string | undefined = grouped[0]?.name;
  const firstCount: number | undefined = grouped[0]?.count;
  void firstName;
  void firstCount;

  // IN lists may include null on nullable fields; JSON compares with eq; updateAll takes sql.
  Author.where({ bio: { in: ['a', null] } });
  // @ts-expect-error null only on nullable fields
  Author.where({ name: { in: ['a', null] } });
  Author.where({ settings: { eq: { theme: 'dark' } } });
  await Author.where({ id: 1 }).updateAll({ balance: sql`balance + 1`, name: 'x' });
  // @ts-expect-error updateAll values are typed like the fields
  await Author.where({ id: 1 }).updateAll({ name: 5 });

  // Include strategies are a closed set.
  const strategy: IncludeStrategy = 'json';
  Author.all().includeStrategy(strategy).includeStrategy('queries').includeStrategy('auto');
  // @ts-expect-error an unknown include strategy
  Author.all().includeStrategy('join');
}

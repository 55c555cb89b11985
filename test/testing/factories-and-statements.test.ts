import {
  BelongsTo,
  Column,
  HasMany,
  ManyToMany,
  Model,
  NPlusOneError,
  PrimaryKey,
  Table,
} from '../../lib';
import {
  defineFactory,
  expectNoNPlusOne,
  recordQueries,
  useTransactionalTests,
} from '../../lib/testing';
import { describeEachDatabase } from '../support/test-database';

@Table('people')
class Person extends Model {
  @PrimaryKey() id!: number;
  @Column({ unique: true }) email!: string;
  @Column() role!: string;
  @Column({ nullable: true }) nickname!: string | null;
  @HasMany(() => Story, { foreignKey: 'writerId' }) stories!: Story[];
}

@Table('labels')
class Label extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table('stories')
class Story extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
  @Column() writerId!: number;
  @BelongsTo(() => Person, { foreignKey: 'writerId' }) writer!: Person;
  @ManyToMany(() => Label, { through: 'story_labels' }) labels!: Label[];
}

const schema = `
  create table people (id int generated always as identity primary key, email text not null unique,
    role text not null, nickname text);
  create table labels (id int generated always as identity primary key, name text not null);
  create table stories (id int generated always as identity primary key, title text not null,
    writer_id int not null references people (id));
  create table story_labels (story_id int not null references stories (id),
    label_id int not null references labels (id), primary key (story_id, label_id));
`;

const people = defineFactory(
  Person,
  ({ sequence }) => ({ email: `person${sequence}@example.com`, role: 'reader' }),
  {
    traits: {
      editor: { role: 'editor' },
      nicknamed: ({ sequence }) => ({ nickname: `nick${sequence}` }),
    },
  },
);
const labels = defineFactory(Label, ({ sequence }) => ({ name: `label ${sequence}` }));
const stories = defineFactory(Story, ({ sequence }) => ({
  title: `Story ${sequence}`,
  writer: people,
}));

describeEachDatabase('factories', { models: [Person, Label, Story], schema }, () => {
  useTransactionalTests();

  it('builds records without saving them, sequences unique per record', async () => {
    const a = people.build();
    const b = people.build();
    expect(a.isNew && b.isNew).toBe(true);
    expect(a.email).not.toBe(b.email);
    expect(await Person.count()).toBe(0);
  });

  it('applies traits and overrides in order, later values winning', async () => {
    const editor = await people.create('editor', 'nicknamed', { email: 'ed@example.com' });
    expect(editor).toMatchObject({ role: 'editor', email: 'ed@example.com' });
    expect(editor.nickname).toMatch(/^nick\d+$/);
    expect(people.build({ role: 'admin' }, 'editor').role).toBe('editor');
    expect(await Person.where({ email: 'ed@example.com' }).count()).toBe(1);
  });

  it('creates the belongs-to parent a factory names, or uses the record given', async () => {
    const story = await stories.create();
    expect(story.isPersisted).toBe(true);
    expect(await Person.count()).toBe(1);
    expect((await Story.include('writer').where({ id: story.id }).first())!.writer.id).toBe(
      story.writerId,
    );
    const writer = await people.create();
    const three = await stories.createList(3, { writer });
    expect(three.map((s) => s.writerId)).toEqual([writer.id, writer.id, writer.id]);
    expect(new Set(three.map((s) => s.title)).size).toBe(3);
    expect(await Person.count()).toBe(2);
  });

  it('links many-to-many members, created from factories or given', async () => {
    const existing = await labels.create({ name: 'existing' });
    const story = await stories.create({ labels: [existing, labels, labels] });
    const loaded = await Story.include('labels').where({ id: story.id }).first();
    const names = loaded!.labels.map((l) => l.name);
    expect(names).toHaveLength(3);
    expect(names.filter((n) => n === 'existing')).toHaveLength(1);
    expect(names.filter((n) => /^label \d+$/.test(n))).toHaveLength(2);
  });

  it('refuses unknown traits, fields and prototype keys with a clear error', () => {
    expect(() => people.build('admin' as never)).toThrow(/no trait "admin"/);
    expect(() => people.build({ emial: 'x' } as never)).toThrow(/no field or relation "emial"/);
    expect(() => people.build(JSON.parse('{"__proto__": {"polluted": true}}'))).toThrow(
      /"__proto__" is not a field/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => people.buildList(-1)).toThrow(/non-negative integer/);
  });
});

describeEachDatabase('statement assertions', { models: [Person, Label, Story], schema }, () => {
  useTransactionalTests();

  it('records the statements a block sends, without transaction control', async () => {
    const writers = await people.createList(3);
    for (const writer of writers) await stories.createList(2, { writer });
    const { result, count, statements } = await recordQueries(() =>
      Person.include('stories').order('id').all(),
    );
    expect(result).toHaveLength(3);
    expect(count).toBe(2);
    expect(statements[0]).toMatch(/^SELECT .* FROM "people"/);
    expect(statements[1]).toMatch(/FROM "stories"/);
  });

  it('expectNoNPlusOne fails a block that loads records one by one, naming the statement', async () => {
    const writers = await people.createList(4);
    for (const writer of writers) await stories.create({ writer });
    const oneByOne = async () => {
      for (const story of await Story.order('id').all()) await Person.find(story.writerId);
    };
    const error = await expectNoNPlusOne(oneByOne).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NPlusOneError);
    expect((error as NPlusOneError).count).toBe(4);
    expect((error as NPlusOneError).statement).toMatch(/FROM "people"/);
    // Batched lazy loading sends one statement for all siblings: it passes.
    const titles = await expectNoNPlusOne(async () => {
      const all = await Story.order('id').all();
      return Promise.all(all.map(async (s) => `${s.title} by ${(await s.load('writer')).email}`));
    });
    expect(titles).toHaveLength(4);
  });
});

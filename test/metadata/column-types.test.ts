import { Column, CreatedAt, Model, PrimaryKey, Table, UpdatedAt, sql } from '../../lib';
import { describeEachDatabase } from '../support/test-database';

interface Settings {
  theme: string;
  tags: string[];
}

@Table('typed_things')
class TypedThing extends Model {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Column() title!: string;
  @Column({ nullable: true }) subtitle!: string | null;
  @Column() quantity!: number;
  @Column({ type: 'bigint' }) views!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'double precision' }) ratio!: number;
  @Column({ default: false }) archived!: boolean;
  @Column({ type: 'jsonb', nullable: true }) settings!: Settings | null;
  @Column({ type: 'text[]', default: () => [] }) labels!: string[];
  @Column({ enum: ['draft', 'published'], default: 'draft' }) status!: 'draft' | 'published';
  @Column({ type: 'date', nullable: true }) publishedOn!: string | null;
  @Column() happenedAt!: Date;
  @Column({ type: 'bytea', nullable: true }) blob!: Buffer | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

const schema = `
  create type typed_things_status as enum ('draft', 'published');
  create table typed_things (
    id uuid primary key default gen_random_uuid(),
    title text not null,
    subtitle text,
    quantity integer not null,
    views bigint not null,
    price numeric(10, 2) not null,
    ratio double precision not null,
    archived boolean not null default false,
    settings jsonb,
    labels text[] not null default '{}',
    status typed_things_status not null default 'draft',
    published_on date,
    happened_at timestamptz not null,
    blob bytea,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`;

const happenedAt = new Date('2024-02-29T12:34:56.789Z');

function attributes() {
  return {
    title: 'Widget',
    quantity: 3,
    views: '9007199254740993', // beyond Number.MAX_SAFE_INTEGER: must survive as a string
    price: '12.50',
    ratio: 0.25,
    settings: { theme: 'dark', tags: ['a', 'b'] },
    labels: ['red', 'blue, with comma', 'quote"d', '{braces}'],
    status: 'published' as const,
    publishedOn: '2024-03-01',
    happenedAt,
    blob: Buffer.from([0, 1, 2, 255]),
  };
}

describeEachDatabase('column types', { models: [TypedThing], schema }, (db) => {
  it('maps camelCase properties to snake_case columns', () => {
    const meta = db().orm.metaOf(TypedThing)!;
    expect(meta.tableName).toBe('typed_things');
    expect(meta.column('happenedAt')?.name).toBe('happened_at');
    expect(meta.column('publishedOn')?.name).toBe('published_on');
    expect(meta.primaryKey.property).toBe('id');
  });

  it('applies literal and function defaults on build, and a fresh array per record', () => {
    const a = TypedThing.build();
    const b = TypedThing.build();
    expect(a.archived).toBe(false);
    expect(a.status).toBe('draft');
    expect(a.labels).toEqual([]);
    a.labels.push('x');
    expect(b.labels).toEqual([]);
  });

  it('round-trips every type through insert and select', async () => {
    const created = await TypedThing.create(attributes());
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const found = await TypedThing.find(created.id);
    expect(found.title).toBe('Widget');
    expect(found.subtitle).toBeNull();
    expect(found.quantity).toBe(3);
    expect(found.views).toBe('9007199254740993');
    expect(found.price).toBe('12.50');
    expect(found.ratio).toBe(0.25);
    expect(found.archived).toBe(false);
    expect(found.settings).toEqual({ theme: 'dark', tags: ['a', 'b'] });
    expect(found.labels).toEqual(['red', 'blue, with comma', 'quote"d', '{braces}']);
    expect(found.status).toBe('published');
    expect(found.publishedOn).toBe('2024-03-01');
    expect(found.happenedAt).toBeInstanceOf(Date);
    expect(found.happenedAt.toISOString()).toBe('2024-02-29T12:34:56.789Z');
    expect(Buffer.from(found.blob!).equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(found.changed()).toBe(false);
  });

  it('stores jsonb as real json, queryable by the server', async () => {
    const created = await TypedThing.create({
      ...attributes(),
      settings: { theme: 'it\'s "quoted"', tags: [] },
    });
    const [row] = await db().orm.query<{ theme: string }>(
      sql`select settings->>'theme' as theme from typed_things where id = ${created.id}`,
    );
    expect(row?.theme).toBe('it\'s "quoted"');
  });

  it('stores a date column as the calendar day given, whatever the time zone', async () => {
    const created = await TypedThing.create({ ...attributes(), publishedOn: '2024-12-31' });
    const [row] = await db().orm.query<{ day: string }>(
      sql`select to_char(published_on, 'YYYY-MM-DD') as day from typed_things where id = ${created.id}`,
    );
    expect(row?.day).toBe('2024-12-31');
  });
});

describe('naming option', () => {
  @Table()
  class BlogEntry extends Model {
    @PrimaryKey() id!: number;
    @Column() headLine!: string;
    @Column({ name: 'explicitly_named' }) body!: string;
  }

  describeEachDatabase(
    'a custom naming strategy',
    {
      models: [BlogEntry],
      schema: `create table "BlogEntry" (id integer generated by default as identity primary key,
        "headLine" text not null, explicitly_named text not null)`,
      options: { naming: { tableName: (c) => c, columnName: (p) => p } },
    },
    (db) => {
      it('names tables and columns with it, except where a name is given', async () => {
        const entry = await BlogEntry.create({ headLine: 'Hi', body: 'text' });
        expect(db().queries.at(-1)?.text).toMatch(
          /^INSERT INTO "BlogEntry" \("headLine", "explicitly_named"\)/,
        );
        expect((await BlogEntry.find(entry.id)).headLine).toBe('Hi');
      });
    },
  );
});

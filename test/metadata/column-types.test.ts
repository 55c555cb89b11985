import {
  Column,
  CreatedAt,
  Model,
  PrimaryKey,
  Range,
  Table,
  UpdatedAt,
  sql,
  type ColumnOptions,
} from '../../lib';
import { intervalToIso } from '../../lib/metadata/interval-text';
import { resolveModelMeta } from '../../lib/metadata/model-meta';
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
    expect(found.blob).toBeInstanceOf(Buffer);
    expect(found.blob!.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
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

describe('sqlType', () => {
  const declare = (options: ColumnOptions) => () => {
    class Declared extends Model {
      @PrimaryKey() id!: number;
      @Column(options) value!: number;
    }
    return Declared;
  };

  it('names a domain or an extension type, quoted in casts and spelled like format_type', () => {
    const meta = resolveModelMeta(declare({ type: 'integer', sqlType: 'year' })());
    expect(meta.column('value')!.sqlType).toEqual({
      name: 'year',
      userDefined: true,
      array: false,
    });
    expect(meta.column('value')!.check(1999)).toBeUndefined();
    expect(meta.column('value')!.check('x')).toBe('a 32-bit integer');
  });

  it.each([
    'year; drop table users',
    '"year"',
    'year"; --',
    'two words',
    'public.year',
    'year[]',
    '1year',
    '',
    'y'.repeat(64),
    'année',
  ])('refuses %j, which is not one type name', (sqlType) => {
    expect(declare({ type: 'integer', sqlType })).toThrow(/sqlType must be a type name/);
  });

  it('needs a base type that is not an enum or an array', () => {
    expect(declare({ sqlType: 'year' })).toThrow(/needs the base type of its values as `type`/);
    expect(declare({ type: 'integer[]', sqlType: 'year' })).toThrow(/needs the base type/);
    expect(declare({ enum: ['a'], sqlType: 'mood' })).toThrow(/needs the base type/);
  });
});

describe('the new column types in declarations', () => {
  it('has no arrays of ranges or tsvectors', () => {
    for (const type of ['int4range[]', 'tsvector[]', 'enum[]']) {
      expect(() => {
        class Declared extends Model {
          @PrimaryKey() id!: number;
          @Column({ type: type as never }) value!: unknown;
        }
        return Declared;
      }).toThrow(`unknown column type "${type}"`);
    }
  });

  it('refuses a transformer without both functions', () => {
    expect(() => {
      class Declared extends Model {
        @PrimaryKey() id!: number;
        @Column({ type: 'text', transformer: { toDatabase: String } as never }) value!: string;
      }
      return Declared;
    }).toThrow(/a transformer needs toDatabase and fromDatabase functions/);
  });
});

describe('value conversions of the new types', () => {
  class Typed extends Model {
    @PrimaryKey() id!: number;
    @Column({ type: 'interval' }) interval!: string;
    @Column({ type: 'int4range' }) ints!: Range<number>;
    @Column({ type: 'numrange' }) nums!: Range<string>;
    @Column({ type: 'tstzrange' }) times!: Range<Date>;
    @Column({ type: 'tsrange' }) localTimes!: Range<Date>;
    @Column({ type: 'daterange' }) days!: Range<string>;
    @Column({ type: 'bytea' }) bytes!: Buffer;
    @Column({ type: 'inet' }) ip!: string;
    @Column({ type: 'cidr' }) network!: string;
    @Column({ type: 'macaddr' }) mac!: string;
  }
  const meta = resolveModelMeta(Typed);
  const field = (name: string) => meta.column(name)!;

  it('turns interval text of the postgres style into ISO 8601', () => {
    expect(intervalToIso('1 year 2 mons 3 days 04:05:06.5')).toBe('P1Y2M3DT4H5M6.5S');
    expect(intervalToIso('-1 years -2 mons +3 days -04:05:06')).toBe('P-1Y-2M3DT-4H-5M-6S');
    expect(intervalToIso('00:00:00')).toBe('PT0S');
    expect(intervalToIso('-00:00:00.000001')).toBe('PT-0.000001S');
    expect(intervalToIso('100:00:00')).toBe('PT100H');
    expect(intervalToIso('1 day')).toBe('P1D');
    expect(intervalToIso('P1D')).toBe('P1D');
    expect(field('interval').fromDriver!('2 mons')).toBe('P2M');
  });

  it('checks interval, network and mac text', () => {
    expect(field('interval').check('P1Y2M3DT4H5M6.5S')).toBeUndefined();
    expect(field('interval').check('PT-1.5S')).toBeUndefined();
    expect(field('interval').check('P')).toMatch(/ISO 8601 duration/);
    expect(field('interval').check('PT')).toMatch(/ISO 8601 duration/);
    expect(field('interval').check('1 day')).toMatch(/ISO 8601 duration/);
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '::1', 'fe80::1/64', '::ffff:1.2.3.4'])
      expect(field('ip').check(ok)).toBeUndefined();
    for (const bad of [42, '10.0.0', '10.0.0.1/33', '::1/129', '10.0.0.1/8/8', 'localhost', ''])
      expect(field('ip').check(bad)).toMatch(/IP address/);
    expect(field('network').check('10.0.0.0/8')).toBeUndefined();
    for (const ok of ['08:00:2b:01:02:03', '08-00-2b-01-02-03', '08002b:010203', '0800.2b01.0203'])
      expect(field('mac').check(ok)).toBeUndefined();
    for (const bad of ['08:00:2b:01:02', '08:00-2b:01:02:03', 'zz:00:2b:01:02:03', 8])
      expect(field('mac').check(bad)).toMatch(/MAC address/);
  });

  it('writes ranges as literals with quoted bounds and reads them back', () => {
    const start = new Date('2024-01-02T03:04:05.678Z');
    expect(field('ints').toDriver(new Range(1, 5, '[]'))).toBe('["1","5"]');
    expect(field('ints').toDriver(Range.empty())).toBe('empty');
    expect(field('nums').toDriver(new Range(null, '2.5', '(]'))).toBe('(,"2.5"]');
    expect(field('times').toDriver(new Range(start, null))).toBe('["2024-01-02T03:04:05.678Z",)');
    expect(field('localTimes').toDriver(new Range(start, null))).toBe(
      '["2024-01-02T03:04:05.678",)',
    );
    expect(field('ints').fromDriver!('[1,5)')).toEqual(new Range(1, 5));
    expect(field('ints').fromDriver!('empty')).toEqual(Range.empty());
    expect(field('nums').fromDriver!('(,)')).toEqual(new Range(null, null, '()'));
    expect(field('times').fromDriver!('["2024-01-02 08:34:05.678+05:30",)')).toEqual(
      new Range(start, null),
    );
    expect(field('times').fromDriver!('["2024-01-02 03:04:05.678+00",)')).toEqual(
      new Range(start, null),
    );
    expect(field('localTimes').fromDriver!('["2024-01-02 03:04:05.678",)')).toEqual(
      new Range(start, null),
    );
    expect(field('days').fromDriver!('["2024-01-01","2024-\\"x\\"")')).toEqual(
      new Range('2024-01-01', '2024-"x"'),
    );
  });

  it('refuses malformed ranges and bounds of the wrong type', () => {
    const label = /a Range of int4range bounds/;
    expect(field('ints').check(new Range(1, 2))).toBeUndefined();
    expect(field('ints').check(Range.empty())).toBeUndefined();
    expect(field('ints').check({ lower: 1, upper: 2, bounds: '[)' })).toMatch(label);
    expect(field('ints').check('[1,2)')).toMatch(label);
    expect(field('ints').check(new Range(1, 2, '[[' as never))).toMatch(label);
    expect(field('ints').check(new Range<unknown>('1', 2.5))).toMatch(label);
    expect(field('ints').check(new Range(2 ** 31, null))).toMatch(label);
    expect(field('days').check(new Range('2024-01-01', null))).toBeUndefined();
    expect(field('days').check(new Range('2024-02-30', null))).toMatch(/daterange/);
    expect(field('times').check(new Range(new Date('nope'), null))).toMatch(/tstzrange/);
  });

  it('reads bytea as a Buffer from either driver', () => {
    const fromPglite = field('bytes').fromDriver!(new Uint8Array([1, 2, 3]));
    expect(fromPglite).toBeInstanceOf(Buffer);
    expect(fromPglite).toEqual(Buffer.from([1, 2, 3]));
    const fromPg = Buffer.from([4]);
    expect(field('bytes').fromDriver!(fromPg)).toBe(fromPg);
    expect(field('bytes').check('0102')).toBe('a Buffer or Uint8Array');
  });

  it('compares a transformer column by its database form', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    class Shaped extends Model {
      @PrimaryKey() id!: number;
      @Column({
        type: 'text',
        transformer: {
          toDatabase: (p: Point) => `${p.x},${p.y}`,
          fromDatabase: (raw: string) =>
            new Point(...(raw.split(',').map(Number) as [number, number])),
        },
      })
      point!: Point;
    }
    const point = resolveModelMeta(Shaped).column('point')!;
    const before = point.snapshot(new Point(1, 2));
    expect(point.snapshot(new Point(1, 2))).toBe(before);
    expect(point.snapshot(new Point(1, 3))).not.toBe(before);
    expect(point.fromSnapshot(before)).toEqual(new Point(1, 2));
    expect(point.toDriver(new Point(5, 6))).toBe('5,6');
    expect(point.fromDriver!('7,8')).toEqual(new Point(7, 8));
    expect(point.check(new Point(1, 2))).toBeUndefined();
    expect(point.check(null as never)).toMatch(/transformer/);
  });
});

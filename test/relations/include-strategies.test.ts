import {
  BelongsTo,
  HasOne,
  type AttributesInput,
  Column,
  DeletedAt,
  HasMany,
  ManyToMany,
  InvalidQueryError,
  Model,
  PrimaryKey,
  Query,
  Range,
  RelationNotLoadedError,
  Table,
  runInContext,
  sql,
  type IncludeInput,
} from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import {
  Comment,
  Photo,
  Post,
  User,
  blogModels,
  blogSchema,
  resetBlog,
  seedBlog,
} from './blog-models';

@Table('strat_owners')
class Owner extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @HasMany(() => Sample, { order: { id: 'asc' } }) samples!: Sample[];
  @HasMany(() => Line, { foreignKey: 'ownerId' }) lines!: Line[];
  @HasOne(() => Line, { foreignKey: 'ownerId' }) oneLine!: Line | null;
  @ManyToMany(() => Club, { through: () => Membership, order: { name: 'asc' } }) clubs!: Club[];
}

@Table('strat_clubs')
class Club extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

/** A join model: the many-to-many above goes through its rows. */
@Table('strat_memberships')
class Membership extends Model {
  @PrimaryKey() ownerId!: number;
  @PrimaryKey() clubId!: number;
  @Column() role!: string;
}

/** Every column type a row read as JSON must give back exactly as the drivers do. */
@Table('strat_samples')
class Sample extends Model {
  @PrimaryKey() id!: number;
  @Column() ownerId!: number;
  @Column({ type: 'smallint', nullable: true }) small!: number | null;
  @Column({ type: 'bigint', nullable: true }) big!: string | null;
  @Column({ type: 'real', nullable: true }) realValue!: number | null;
  @Column({ type: 'double precision', nullable: true }) double!: number | null;
  @Column({ type: 'numeric', nullable: true }) amount!: string | null;
  @Column({ type: 'varchar', nullable: true }) label!: string | null;
  @Column({ type: 'char', length: 3, nullable: true }) code!: string | null;
  @Column({ type: 'boolean', nullable: true }) flag!: boolean | null;
  @Column({ type: 'timestamptz', nullable: true }) at!: Date | null;
  @Column({ type: 'timestamp', nullable: true }) localAt!: Date | null;
  @Column({ type: 'date', nullable: true }) day!: string | null;
  @Column({ type: 'time', nullable: true }) clock!: string | null;
  @Column({ type: 'interval', nullable: true }) span!: string | null;
  @Column({ type: 'uuid', nullable: true }) uid!: string | null;
  @Column({ type: 'jsonb', nullable: true }) doc!: unknown;
  @Column({ type: 'json', nullable: true }) plainDoc!: unknown;
  @Column({ type: 'bytea', nullable: true }) bytes!: Buffer | null;
  @Column({ type: 'inet', nullable: true }) address!: string | null;
  @Column({ type: 'int4range', nullable: true }) window!: Range<number> | null;
  @Column({ type: 'tstzrange', nullable: true }) period!: Range<Date> | null;
  @Column({ type: 'text[]', nullable: true }) words!: string[] | null;
  @Column({ type: 'bigint[]', nullable: true }) bigs!: string[] | null;
  @Column({ type: 'integer[]', nullable: true }) ints!: number[] | null;
  @Column({ type: 'timestamptz[]', nullable: true }) moments!: Date[] | null;
  @DeletedAt() deletedAt!: Date | null;
  @BelongsTo(() => Owner) owner!: Owner;
}

/** Composite keys on both sides of the relation. */
@Table('strat_lines')
class Line extends Model {
  @PrimaryKey() ownerId!: number;
  @PrimaryKey() lineNo!: number;
  @Column() text!: string;
  @HasMany(() => LineNote, { foreignKey: ['ownerId', 'lineNo'], localKey: ['ownerId', 'lineNo'] })
  notes!: LineNote[];
}

@Table('strat_line_notes')
class LineNote extends Model {
  @PrimaryKey() id!: number;
  @Column() ownerId!: number;
  @Column() lineNo!: number;
  @Column() note!: string;
  static defaultScope(q: Query<LineNote>) {
    return q.where({ note: { notLike: 'hidden%' } });
  }
}

/** Declares `count` nullable integer columns `c0`, `c1`… on a model; answers their names. */
function integerColumns(model: typeof Model, count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => `c${i}`);
  for (const name of names) Column({ type: 'integer', nullable: true })(model.prototype, name);
  return names;
}

/**
 * Tables of 101 and 102 columns. `json_build_array` takes 100 arguments, one per column sent:
 * the owner key is not sent, so the first fits and the second does not.
 */
@Table('strat_wides')
class Wide extends Model {
  @PrimaryKey() id!: number;
  @Column() ownerId!: number;
}
const wideColumns = integerColumns(Wide, 99);

@Table('strat_widers')
class Wider extends Model {
  @PrimaryKey() id!: number;
  @Column() ownerId!: number;
}
const widerColumns = integerColumns(Wider, 100);
const integerDefinitions = (names: string[]) => names.map((c) => `${c} integer`).join(', ');

@Table('strat_wide_owners')
class WideOwner extends Model {
  @PrimaryKey() id!: number;
  @HasMany(() => Wide, { foreignKey: 'ownerId' }) wides!: Wide[];
  @HasMany(() => Wider, { foreignKey: 'ownerId' }) widers!: Wider[];
}

/** Owners read through a view that gives each row twice: a "primary key" that repeats. */
@Table('strat_owner_twice')
class OwnerTwice extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @HasMany(() => Line, { foreignKey: 'ownerId' }) lines!: Line[];
}

/** A has-many by a local key that is not the primary key: two teams of one city share venues. */
@Table('strat_teams')
class Team extends Model {
  @PrimaryKey() id!: number;
  @Column() city!: string;
  @HasMany(() => Venue, { localKey: 'city', foreignKey: 'city' }) venues!: Venue[];
}

@Table('strat_venues')
class Venue extends Model {
  @PrimaryKey() id!: number;
  @Column() city!: string;
}

/** A has-many whose foreign key is wider than the key it refers to (bigint → integer). */
@Table('strat_ledgers')
class Ledger extends Model {
  @PrimaryKey() id!: number;
  @HasMany(() => LedgerEntry, { foreignKey: 'ledgerId' }) entries!: LedgerEntry[];
}

@Table('strat_ledger_entries')
class LedgerEntry extends Model {
  @PrimaryKey() id!: number;
  @Column({ type: 'bigint' }) ledgerId!: string;
}

const schema = `
  create table strat_ledgers (id integer generated by default as identity primary key);
  create table strat_ledger_entries (id integer generated by default as identity primary key, ledger_id bigint not null);
  create table strat_owners (id integer generated by default as identity primary key, name text not null);
  create table strat_samples (
    id integer generated by default as identity primary key,
    owner_id integer not null references strat_owners (id),
    small smallint, big bigint, real_value real, double double precision, amount numeric,
    label varchar, code char(3), flag boolean, at timestamptz, local_at timestamp, day date,
    clock time, span interval, uid uuid, doc jsonb, plain_doc json, bytes bytea, address inet,
    "window" int4range, period tstzrange, words text[], bigs bigint[], ints integer[],
    moments timestamptz[], deleted_at timestamptz
  );
  create table strat_lines (owner_id integer not null, line_no integer not null, text text not null, primary key (owner_id, line_no));
  create table strat_clubs (id integer generated by default as identity primary key, name text not null);
  create table strat_memberships (owner_id integer not null, club_id integer not null, role text not null, primary key (owner_id, club_id));
  create table strat_wide_owners (id integer generated by default as identity primary key);
  create table strat_wides (id integer generated by default as identity primary key, owner_id integer not null, ${integerDefinitions(wideColumns)});
  create table strat_widers (id integer generated by default as identity primary key, owner_id integer not null, ${integerDefinitions(widerColumns)});
  create table strat_line_notes (id integer generated by default as identity primary key, owner_id integer not null, line_no integer not null, note text not null);
  create table strat_teams (id integer generated by default as identity primary key, city text not null);
  create table strat_venues (id integer generated by default as identity primary key, city text not null);
  create view strat_owner_twice as select * from strat_owners union all select * from strat_owners;
  ${blogSchema}`;

type Plain = Record<string, unknown>;

/** A record and its loaded relations as plain values, with their classes and value types. */
function described(value: unknown, relations: Record<string, string[]>, seen = new Set()): unknown {
  if (Array.isArray(value)) return value.map((v) => described(v, relations, seen));
  if (!(value instanceof Model)) return value;
  const cls = value.constructor.name;
  const plain: Plain = { class: cls };
  for (const [k, v] of Object.entries(value)) plain[k] = v;
  for (const name of relations[cls] ?? []) {
    let related: unknown;
    try {
      related = (value as unknown as Plain)[name];
    } catch (error) {
      if (!(error instanceof RelationNotLoadedError)) throw error;
      related = 'not loaded';
    }
    plain[name] = described(related, relations, seen);
  }
  return plain;
}

async function bothWays<T>(query: Query<T>, relations: Record<string, string[]>) {
  const separate = await query.includeStrategy('queries');
  const json = await query.includeStrategy('json');
  return { separate: described(separate, relations), json: described(json, relations) };
}

describeEachDatabase(
  'include strategies',
  {
    models: [
      Owner,
      OwnerTwice,
      Team,
      Venue,
      Ledger,
      LedgerEntry,
      Sample,
      Line,
      LineNote,
      Club,
      Membership,
      Wide,
      Wider,
      WideOwner,
      ...blogModels,
    ],
    schema,
  },
  (db) => {
    beforeAll(async () => {
      await db().exec(resetBlog);
      await seedBlog(4, 3);
      const [a, b] = await Owner.insertAll([{ name: 'a' }, { name: 'b' }, { name: 'empty' }]);
      const samples: AttributesInput<Sample>[] = [
        {
          ownerId: a!.id,
          small: 7,
          big: '9007199254740993',
          realValue: 1.5,
          double: Number.NaN,
          amount: '12345678901234567890.123456789',
          label: 'x',
          code: 'ab',
          flag: true,
          at: new Date('2024-03-01T10:20:30.123Z'),
          localAt: new Date(2024, 2, 1, 8, 9, 10, 456),
          day: '2024-02-29',
          clock: '13:14:15',
          span: 'P1Y2M3DT4H5M6.5S',
          uid: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
          doc: { nested: [1, 'two', null], big: 12 },
          plainDoc: [{ a: 1 }],
          bytes: Buffer.from([0, 1, 254, 255]),
          address: '10.0.0.1',
          window: new Range(1, 10),
          period: new Range(new Date('2024-01-01T00:00:00Z'), new Date('2024-02-01T00:00:00Z')),
          words: ['a', 'b "c"', ''],
          bigs: ['9007199254740993', '-1'],
          ints: [1, 2, 3],
          moments: [new Date('2020-01-01T00:00:00.5Z')],
        },
        { ownerId: a!.id },
        { ownerId: b!.id, label: 'deleted', deletedAt: new Date() },
        { ownerId: b!.id, label: 'kept', double: Number.POSITIVE_INFINITY },
      ];
      for (const attributes of samples) await Sample.create(attributes);
      await Line.insertAll([
        { ownerId: a!.id, lineNo: 1, text: 'a1' },
        { ownerId: a!.id, lineNo: 2, text: 'a2' },
        { ownerId: b!.id, lineNo: 1, text: 'b1' },
      ]);
      const [chess, go] = await Club.insertAll([{ name: 'chess' }, { name: 'go' }]);
      await Membership.insertAll([
        { ownerId: a!.id, clubId: go!.id, role: 'member' },
        { ownerId: a!.id, clubId: chess!.id, role: 'chair' },
        { ownerId: b!.id, clubId: go!.id, role: 'member' },
      ]);
      await LineNote.insertAll([
        { ownerId: a!.id, lineNo: 1, note: 'on a1' },
        { ownerId: a!.id, lineNo: 2, note: 'hidden on a2' },
        { ownerId: b!.id, lineNo: 1, note: 'on b1' },
        { ownerId: b!.id, lineNo: 2, note: 'on a line that does not exist' },
      ]);
    });

    const relations = {
      Owner: ['samples', 'lines', 'clubs'],
      Sample: ['owner'],
      Line: ['notes'],
      User: ['posts', 'profile', 'following'],
      Post: ['author', 'comments', 'tags'],
      Comment: ['author'],
    };

    it('json includes are one statement, shown by toSQL()', async () => {
      const query = User.order({ id: 'asc' })
        .include('posts.comments.author', 'posts.tags', 'profile', 'following')
        .includeStrategy('json');
      expect(query.toSQL().text).toMatch(/json_agg/);
      db().resetQueries();
      const users = await query;
      expect(db().queries).toHaveLength(1);
      expect(db().queries[0]!.text).toBe(query.toSQL().text);
      expect(users[0]!.posts[0]!.comments[0]!.author?.name).toBe('user1');
      expect(users[0]!.posts[0]!.tags.map((t) => t.name).sort()).toEqual(['nest', 'sql']);
    });

    it('both strategies give the same records over every column type, a soft delete and empty relations', async () => {
      const { separate, json } = await bothWays(
        Owner.order({ id: 'asc' }).include('samples.owner'),
        relations,
      );
      expect(json).toStrictEqual(separate);
      const [a, b, empty] = json as Plain[];
      const sample = (a!.samples as Plain[])[0]!;
      expect(sample.big).toBe('9007199254740993');
      expect(sample.amount).toBe('12345678901234567890.123456789');
      expect(Buffer.isBuffer(sample.bytes)).toBe(true);
      expect(sample.at).toEqual(new Date('2024-03-01T10:20:30.123Z'));
      expect(sample.window).toBeInstanceOf(Range);
      expect(sample.double).toBeNaN();
      expect((b!.samples as Plain[]).map((s) => s.label)).toEqual(['kept']);
      expect(empty!.samples).toEqual([]);
    });

    it('both strategies give the same nested blog tree: belongsTo, hasOne, polymorphic hasMany, manyToMany', async () => {
      const { separate, json } = await bothWays(
        User.order({ id: 'asc' }).include(
          'profile',
          'posts.comments.author',
          'posts.tags',
          'posts.author',
          'following',
        ),
        { ...relations, User: ['posts', 'profile', 'following'] },
      );
      expect(json).toStrictEqual(separate);
    });

    it('refined includes keep their conditions and order in both strategies', async () => {
      const query = Post.order({ id: 'desc' })
        .limit(5)
        .include({
          comments: (q) => q.where({ approved: true }).order({ id: 'desc' }),
          tags: (q) => q.order({ name: 'desc' }),
        });
      const { separate, json } = await bothWays(query, relations);
      expect(json).toStrictEqual(separate);
      expect((json as Plain[]).every((p) => (p.comments as Plain[]).every((c) => c.approved))).toBe(
        true,
      );
    });

    it('a page with an offset gives the same records, its keys chosen before the tree is built', async () => {
      const query = User.order({ id: 'asc' }).limit(2).offset(1).include('posts.comments');
      expect(query.toSQL().text).toMatch(/WHERE "id" IN \(SELECT "id" FROM "rel_users"/);
      const { separate, json } = await bothWays(query, relations);
      expect(json).toStrictEqual(separate);
      expect((json as Plain[]).map((u) => u.name)).toEqual(['user1', 'user2']);
    });

    it('a many-to-many through a join model gives the same records, in the relation order', async () => {
      const { separate, json } = await bothWays(
        Owner.order({ id: 'asc' }).include('clubs'),
        relations,
      );
      expect(json).toStrictEqual(separate);
      const clubs = (json as Plain[]).map((o) => (o.clubs as Plain[]).map((c) => c.name));
      expect(clubs).toEqual([['chess', 'go'], ['go'], []]);
    });

    it("timestamps read from JSON equal the driver's in any session time zone, century and precision", async () => {
      const [owner] = await Owner.insertAll([{ name: 'times' }]);
      const written = [
        '2024-03-01 10:20:30.123999+00',
        '2024-03-01 10:20:30.5+00',
        '1969-12-31 23:59:59.999501+00',
        '1850-06-01 12:00:00+00',
        '0044-03-15 12:00:00+00',
        '12000-01-01 00:00:00+00',
        '0200-01-01 00:00:00+00 BC',
        'infinity',
        '-infinity',
      ];
      for (const at of written) {
        await db().orm.query(
          sql`insert into strat_samples (owner_id, label, at, local_at, moments) values (${owner!.id}, ${at}, ${at}::timestamptz, ${at}::timestamptz::timestamp, array[${at}::timestamptz, null])`,
        );
      }
      // Europe/Amsterdam had an offset in seconds (+00:19:32) in 1850; St John's is -03:30.
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Amsterdam']) {
        const { separate, json } = await db().orm.transaction(async () => {
          await db().orm.query(sql`select set_config('TimeZone', ${zone}, true)`);
          return bothWays(Owner.where({ id: owner!.id }).include('samples'), relations);
        });
        expect({ zone, records: json }).toStrictEqual({ zone, records: separate });
      }
      const samples = (await Sample.where({ ownerId: owner!.id }).order({ id: 'asc' })).map(
        (s) => s.at,
      );
      expect(samples[0]).toEqual(new Date('2024-03-01T10:20:30.123Z'));
      expect(samples[2]).toEqual(new Date('1969-12-31T23:59:59.999Z'));
    });

    it('composite keys and a default scope of the target give the same records', async () => {
      const { separate, json } = await bothWays(
        Owner.order({ id: 'asc' }).include('lines.notes'),
        relations,
      );
      expect(json).toStrictEqual(separate);
      const lines = (json as Plain[])[0]!.lines as Plain[];
      expect(lines.flatMap((l) => (l.notes as Plain[]).map((n) => n.note))).toEqual(['on a1']);
    });

    it('an ordered level with a level below keeps each row whole, rows tied on the order too', async () => {
      const [a] = await Owner.order({ id: 'asc' }).limit(1);
      const tied = [3, 4, 5, 6, 7, 8];
      await Line.insertAll(tied.map((lineNo) => ({ ownerId: a!.id, lineNo, text: 'tied' })));
      await LineNote.insertAll(
        tied.map((lineNo) => ({ ownerId: a!.id, lineNo, note: `n${lineNo}` })),
      );
      try {
        const query = Owner.order({ id: 'asc' }).include(
          { lines: (q: Query<Line>) => q.order({ text: 'desc' }) },
          'lines.notes',
        );
        expect(query.includeStrategy('json').toSQL().text).toMatch(
          /ORDER BY "text" DESC\) AS "sorted"/,
        );
        const byKey = (lines: Line[]) =>
          lines
            .map((l) => [l.lineNo, l.text, l.notes.map((n) => [n.lineNo, n.note])] as const)
            .sort((x, y) => x[0] - y[0]);
        const [separate] = await query.includeStrategy('queries');
        const [json] = await query.includeStrategy('json');
        expect(json!.lines.map((l) => l.text)).toEqual([
          'tied',
          'tied',
          'tied',
          'tied',
          'tied',
          'tied',
          'a2',
          'a1',
        ]);
        expect(byKey(json!.lines)).toEqual(byKey(separate!.lines));
        expect(byKey(json!.lines).slice(2)).toEqual(
          tied.map((lineNo) => [lineNo, 'tied', [[lineNo, `n${lineNo}`]]]),
        );
      } finally {
        await LineNote.where({ ownerId: a!.id, lineNo: tied }).deleteAll();
        await Line.where({ ownerId: a!.id, lineNo: tied }).deleteAll();
      }
    });

    it('a hasOne or belongsTo level is one array of values: the first row in the order, with the level below', async () => {
      const query = Owner.order({ id: 'asc' }).include(
        { oneLine: (q: Query<Line>) => q.order({ lineNo: 'desc' }) },
        'oneLine.notes',
        'samples.owner',
      );
      const text = query.includeStrategy('json').toSQL().text;
      expect(text).toMatch(
        /\(SELECT json_build_array\("i\d"\."line_no", "i\d"\."text", \(SELECT json_build_array\(json_agg\("i\d"\."id"\), json_agg\("i\d"\."note"\)\)[^]*ORDER BY "line_no" DESC LIMIT \$\d+\) AS "__include_oneLine"/,
      );
      expect(text).toMatch(
        /\(SELECT json_build_array\("i\d"\."id", "i\d"\."name"\) FROM "strat_owners"/,
      );
      const { separate, json } = await bothWays(query, {
        ...relations,
        Owner: ['oneLine', 'samples'],
      });
      expect(json).toStrictEqual(separate);
      const [a, b, none] = await query.includeStrategy('json');
      expect([a!.oneLine?.lineNo, b!.oneLine?.lineNo, none!.oneLine]).toEqual([2, 1, null]);
      expect(b!.oneLine!.notes.map((n) => n.note)).toEqual(['on b1']);
      expect(a!.samples[0]!.owner).toBe(a!.samples[1]!.owner);
    });

    it('the identity map answers loaded records with the same objects in both strategies', async () => {
      await runInContext(async () => {
        const user = (await User.find(1))!;
        const viaJson = await Post.where({ authorId: 1 }).include('author').includeStrategy('json');
        expect(viaJson[0]!.author).toBe(user);
        const viaQueries = await Post.where({ authorId: 1 })
          .include('author')
          .includeStrategy('queries');
        expect(viaQueries[0]!.author).toBe(user);
      });
    });

    it('records sharing a parent share one parent object, as with one query per level', async () => {
      const posts = await Post.where({ authorId: 1 }).include('author').includeStrategy('json');
      expect(posts.length).toBeGreaterThan(1);
      expect(posts[0]!.author).toBe(posts[1]!.author);
    });

    it('owners that repeat a key share their related records, as with one query per level', async () => {
      const query = OwnerTwice.where({ name: 'a' }).include('lines');
      const { separate, json } = await bothWays(query, { OwnerTwice: ['lines'] });
      expect(json).toStrictEqual(separate);
      for (const strategy of ['queries', 'json'] as const) {
        const [first, second] = await query.includeStrategy(strategy);
        expect(first!.lines.map((l) => l.text)).toEqual(['a1', 'a2']);
        expect(second!.lines[0]).toBe(first!.lines[0]);
      }
    });

    it('owners sharing a local key that is not their primary key share their related records', async () => {
      await Team.insertAll([{ city: 'Oslo' }, { city: 'Oslo' }]);
      await Venue.insertAll([{ city: 'Oslo' }, { city: 'Bergen' }]);
      const query = Team.order({ id: 'asc' }).include('venues');
      const { separate, json } = await bothWays(query, { Team: ['venues'] });
      expect(json).toStrictEqual(separate);
      for (const strategy of ['queries', 'json'] as const) {
        const [first, second] = await query.includeStrategy(strategy);
        expect(first!.venues.map((v) => v.city)).toEqual(['Oslo']);
        expect(second!.venues[0]).toBe(first!.venues[0]);
      }
    });

    it('a foreign key of the same type as its owner key is taken from the owner, not sent again', async () => {
      const query = Owner.order({ id: 'asc' }).include('samples', 'lines.notes');
      const text = query.includeStrategy('json').toSQL().text;
      // In the correlations only: no related level sends its owner's key as a column.
      expect(text).toMatch(/WHERE "i1"\."owner_id" = "strat_owners"\."id"/);
      expect(text).not.toMatch(/json_agg\("i\d"\."owner_id"\)|"owner_id" AS "c\d+"/);
      // A note's composite key to its line (owner_id, line_no) comes from the line's row.
      expect(text).toContain('json_build_array(json_agg("i3"."id"), json_agg("i3"."note"))');
      const { separate, json } = await bothWays(query, relations);
      expect(json).toStrictEqual(separate);
      const [a] = await query.includeStrategy('json');
      expect(a!.samples.every((sample) => sample.ownerId === a!.id)).toBe(true);
      expect(a!.lines.map((l) => [l.ownerId, l.lineNo])).toEqual([
        [a!.id, 1],
        [a!.id, 2],
      ]);
    });

    it('records built from JSON rows track changes, save them and batch lazy loads like records of one query per level', async () => {
      const [owner] = await Owner.where({ name: 'a' })
        .include('samples', 'lines.notes')
        .includeStrategy('json');
      const sample = owner!.samples.find((s) => s.label === 'x')!;
      const line = owner!.lines[0]!;
      expect(sample.changes).toEqual({});
      expect([sample.changed(), line.changed(), line.notes[0]!.changed()]).toEqual([
        false,
        false,
        false,
      ]);
      expect(sample.isPersisted).toBe(true);
      const at = new Date(sample.at!);
      sample.at!.setUTCFullYear(2030);
      (sample.doc as { nested: unknown[] }).nested.push('three');
      sample.bytes![0] = 9;
      line.notes[0]!.note = 'edited';
      expect(Object.keys(sample.changes).sort()).toEqual(['at', 'bytes', 'doc']);
      expect(sample.changes.at![0]).toEqual(at);
      expect(line.notes[0]!.changes).toEqual({ note: ['on a1', 'edited'] });
      await sample.save();
      await line.notes[0]!.save();
      expect(sample.changed()).toBe(false);
      const reread = await Sample.find(sample.id);
      expect(reread.at!.getUTCFullYear()).toBe(2030);
      expect((reread.doc as { nested: unknown[] }).nested).toEqual([1, 'two', null, 'three']);
      expect((await LineNote.findBy({ note: 'edited' }))?.lineNo).toBe(line.lineNo);

      // The samples are one sibling group: their owners load in one query for all of them.
      db().resetQueries();
      for (const s of owner!.samples) expect((await s.load('owner')).id).toBe(owner!.id);
      expect(db().queries).toHaveLength(1);
    });

    it('a foreign key of another type than its owner key is read from the statement', async () => {
      const ledger = await Ledger.create();
      await LedgerEntry.insertAll([
        { ledgerId: String(ledger!.id) },
        { ledgerId: String(ledger!.id) },
      ]);
      const query = Ledger.order({ id: 'asc' }).include('entries');
      expect(query.includeStrategy('json').toSQL().text).toMatch(/"i1"\."ledger_id"::text/);
      const { separate, json } = await bothWays(query, { Ledger: ['entries'] });
      expect(json).toStrictEqual(separate);
      const [loaded] = await query.includeStrategy('json');
      expect(loaded!.entries.map((e) => e.ledgerId)).toEqual([
        String(ledger!.id),
        String(ledger!.id),
      ]);
    });

    it("'auto' uses one statement for a page and a shallow tree, a smaller page where owners share rows, one query per level otherwise", async () => {
      const oneStatement = (query: { toSQL(): { text: string } }) =>
        /json_build_array/.test(query.toSQL().text);
      const small = User.order({ id: 'asc' }).limit(20).include('posts.comments');
      expect(oneStatement(small)).toBe(true);
      expect(oneStatement(User.all().limit(1000).include('posts.comments', 'profile'))).toBe(true);
      expect(oneStatement(User.all().limit(1001).include('posts.comments'))).toBe(false);
      expect(oneStatement(User.order({ id: 'asc' }).include('posts.comments'))).toBe(false);
      const deep = User.order({ id: 'asc' }).limit(20).include('posts.comments.author.posts');
      expect(oneStatement(deep)).toBe(false);
      // A belongsTo or a many-to-many anywhere in the tree: rows that owners share.
      for (const path of ['posts.author', 'posts.tags', 'following'] as const) {
        expect(oneStatement(User.all().limit(100).include(path))).toBe(true);
        expect(oneStatement(User.all().limit(101).include(path))).toBe(false);
      }
      expect(oneStatement(Comment.all().limit(101).include('author'))).toBe(false);
      db().resetQueries();
      await small;
      expect(db().queries).toHaveLength(1);
    });

    it('stream() loads includes one query per relation, whatever the strategy', async () => {
      db().resetQueries();
      const names: string[] = [];
      const query = User.order({ id: 'asc' }).limit(3).include('posts').includeStrategy('json');
      for await (const user of query.stream({ batchSize: 2 })) {
        names.push(`${user.name}:${user.posts.length}`);
      }
      expect(names).toEqual(['user0:3', 'user1:3', 'user2:3']);
      expect(db().queries.some((q) => q.text.includes('json_agg'))).toBe(false);
    });

    it('a polymorphic belongsTo falls back to one query per relation', async () => {
      const query = Comment.order({ id: 'asc' }).include('commentable').includeStrategy('json');
      expect(query.toSQL().text).not.toMatch(/json_agg/);
      db().resetQueries();
      const comments = await query;
      // comments, then posts (every comment here is on a post)
      expect(db().queries).toHaveLength(2);
      expect(comments[0]!.commentable).toBeInstanceOf(Post);
      expect(Photo).toBeDefined();
    });

    it('a related model of 100 columns besides its owner key loads in the statement, with every column', async () => {
      const owner = await WideOwner.create({});
      await Wide.create({ ownerId: owner.id, c0: 1, c98: 98 } as never);
      const query = WideOwner.where({ id: owner.id }).include('wides').includeStrategy('json');
      expect(query.toSQL().text.match(/json_agg\(/g)).toHaveLength(100);
      const [loaded] = await query;
      const wide = loaded!.wides[0] as unknown as Record<string, unknown>;
      expect([wide.ownerId, wide.c0, wide.c1, wide.c98]).toEqual([owner.id, 1, null, 98]);
    });

    it('a related model of more than 100 columns besides its owner key loads one query per relation, with every column', async () => {
      const owner = await WideOwner.create({});
      await Wider.create({ ownerId: owner.id, c0: 1, c99: 99 } as never);
      const query = WideOwner.where({ id: owner.id }).include('widers').includeStrategy('json');
      expect(query.toSQL().text).not.toMatch(/json_agg/);
      const [loaded] = await query;
      const wider = loaded!.widers[0] as unknown as Record<string, unknown>;
      expect([wider.ownerId, wider.c0, wider.c1, wider.c99]).toEqual([owner.id, 1, null, 99]);
    });

    it('an unknown strategy is refused before any SQL', () => {
      expect(() => User.all().includeStrategy('joined' as never)).toThrow(InvalidQueryError);
      const input: IncludeInput<User> = 'posts';
      expect(User.all().include(input).includeStrategy('queries').toSQL().text).not.toMatch(
        /json_agg/,
      );
    });
  },
);

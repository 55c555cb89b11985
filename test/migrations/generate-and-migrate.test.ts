import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import {
  MigrationChecksumError,
  MigrationError,
  MigrationSafetyError,
  Migrator,
  Orm,
  QueryTimeoutError,
  SchemaBuilder,
  sql,
} from '../../lib';
import { describeEachDatabase, describeOnServer } from '../support/test-database';
import { Comment, Post, Tag, User, blogModels } from '../relations/blog-models';

const tableNames = async (query: (s: ReturnType<typeof sql>) => Promise<Array<{ name: string }>>) =>
  (
    await query(
      sql`select table_name as name from information_schema.tables where table_schema = current_schema() order by 1`,
    )
  ).map((r) => r.name);

describeEachDatabase('generate, migrate, roll back', { models: blogModels, schema: '' }, (db) => {
  let directory: string;
  let migrator: Migrator;
  const log: string[] = [];
  const tables = () => tableNames((s) => db().orm.query(s));

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'migrations-'));
    migrator = new Migrator(db().orm, { directory, log: (line) => log.push(line) });
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('generates a migration creating every table, join tables included', async () => {
    const generated = await migrator.generate('CreateBlog');
    expect(generated.file).toMatch(/\d{14}_create_blog\.ts$/);
    const source = readFileSync(generated.file!, 'utf8');
    for (const table of [
      'rel_users',
      'rel_posts',
      'rel_comments',
      'rel_tags',
      'rel_post_tags',
      'rel_follows',
    ]) {
      expect(source).toContain(`schema.createTable("${table}"`);
    }
    // referenced tables are created first
    expect(source.indexOf('"rel_users"')).toBeLessThan(source.indexOf('createTable("rel_posts"'));
    expect(generated.warnings).toEqual([]);
  });

  it('migrates: the models work on the new tables, and a second generate finds nothing', async () => {
    expect(await migrator.migrate()).toHaveLength(1);
    expect(log[0]).toMatch(/^migrated \d{14}_create_blog \(\d+ ms\)$/);
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'rel_users',
        'rel_posts',
        'rel_post_tags',
        'rel_follows',
        'schema_migrations',
      ]),
    );
    const user = await User.create({ name: 'Ada' });
    const post = await Post.create({ title: 'Hi', authorId: user.id });
    const tag = await Tag.create({ name: 'nest' });
    await post.addTo('tags', tag);
    await Comment.create({ commentableType: 'Post', commentableId: post.id, body: 'first' });
    const [loaded] = await Post.include('author', 'tags', 'comments');
    expect(loaded!.author?.name).toBe('Ada');
    expect(loaded!.tags.map((t) => t.name)).toEqual(['nest']);
    expect(loaded!.stars).toBe(0);
    const again = await migrator.generate('Nothing');
    expect(again.file).toBeUndefined();
    expect(await migrator.migrate()).toEqual([]);
  });

  it('reports status, refuses an edited applied migration', async () => {
    const [status] = await migrator.status();
    expect(status).toMatchObject({ applied: true, changed: false });
    const file = join(directory, `${status!.name}.ts`);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original + '\n// edited\n');
    try {
      await expect(migrator.migrate()).rejects.toBeInstanceOf(MigrationChecksumError);
      expect((await migrator.status())[0]!.changed).toBe(true);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('the built form of an applied migration (compiled JavaScript) counts as applied', async () => {
    // What a built app has: the migration compiled to JavaScript, without its TypeScript source.
    const [status] = await migrator.status();
    const built = mkdtempSync(join(tmpdir(), 'built-migrations-'));
    try {
      const source = readFileSync(join(directory, `${status!.name}.ts`), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(built, `${status!.name}.js`), outputText);
      const fromBuild = new Migrator(db().orm, { directory: built });
      expect(await fromBuild.migrate()).toEqual([]);
      expect((await fromBuild.status())[0]).toMatchObject({ applied: true, changed: false });
    } finally {
      rmSync(built, { recursive: true, force: true });
    }
  });

  it('migrations created within one second keep the order they were created in', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'new-migrations-'));
    try {
      const creator = new Migrator(db().orm, { directory: scratch });
      const names = [];
      for (const name of ['CreateZebras', 'CreateAardvarks', 'AddStripes']) {
        names.push((await creator.create(name)).replace(/^.*\/\d{14}_/, ''));
      }
      expect(names).toEqual(['create_zebras.ts', 'create_aardvarks.ts', 'add_stripes.ts']);
      expect(
        readdirSync(scratch)
          .sort()
          .map((f) => f.replace(/^\d{14}_/, '')),
      ).toEqual(names);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('t.timestamps() columns default to now(), so rows inserted by plain SQL get them', async () => {
    const builder = new SchemaBuilder();
    builder.createTable('stamped_notes', (t) => {
      t.id();
      t.text('body').notNull();
      t.timestamps();
    });
    try {
      for (const statement of builder.statements) await db().exec(statement);
      const [row] = await db().orm.query<{ stamped: boolean }>(
        sql`insert into stamped_notes (body) values (${'from SQL'}) returning created_at is not null and updated_at is not null as stamped`,
      );
      expect(row).toEqual({ stamped: true });
    } finally {
      await db().exec('drop table if exists stamped_notes');
    }
  });

  it('a failing migration rolls back whole and stops the run', async () => {
    const file = join(directory, '29990101000000_broken.ts');
    writeFileSync(
      file,
      `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class Broken extends Migration {
  up(schema: SchemaBuilder) {
    schema.createTable('half_done', (t) => { t.id(); });
    schema.sql('select * from no_such_table');
  }
  down(schema: SchemaBuilder) { schema.dropTable('half_done'); }
}
`,
    );
    try {
      await expect(migrator.migrate()).rejects.toBeInstanceOf(MigrationError);
      expect(await tables()).not.toContain('half_done');
      expect(
        (await migrator.status()).find((s) => s.name === '29990101000000_broken')?.applied,
      ).toBe(false);
    } finally {
      rmSync(file);
    }
  });

  it('a migration that does not load is named, and nothing runs', async () => {
    const file = join(directory, '29990101000002_unloadable.ts');
    writeFileSync(file, 'export default class Unloadable extends {\n');
    try {
      const error = await migrator.migrate().catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^Could not load the migration .*29990101000002_unloadable\.ts: /,
      );
      expect(
        (await migrator.status()).find((s) => s.name === '29990101000002_unloadable')?.applied,
      ).toBe(false);
    } finally {
      rmSync(file);
    }
  });

  it('the safety lint stops risky changes to existing tables unless told otherwise', async () => {
    const file = join(directory, '29990101000001_risky.ts');
    writeFileSync(
      file,
      `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class Risky extends Migration {
  up(schema: SchemaBuilder) {
    schema.alterTable('rel_posts', (t) => { t.text('summary').notNull(); });
    schema.createIndex('rel_posts', ['title']);
  }
  down(schema: SchemaBuilder) {
    schema.dropIndex('rel_posts_title_idx');
    schema.alterTable('rel_posts', (t) => { t.dropColumn('summary'); });
  }
}
`,
    );
    try {
      const error = await migrator.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationSafetyError);
      expect((error as MigrationSafetyError).warnings).toHaveLength(2);
      expect((error as Error).message).toMatch(/backfill, then set NOT NULL/);
      expect((error as Error).message).toMatch(/concurrently: true/);
      const unsafe = new Migrator(db().orm, { directory, unsafe: true });
      await db().orm.query(sql`delete from rel_comments`);
      await db().orm.query(sql`delete from rel_post_tags`);
      await db().orm.query(sql`delete from rel_posts`);
      expect(await unsafe.migrate()).toEqual(['29990101000001_risky']);
      expect(await unsafe.rollback()).toEqual(['29990101000001_risky']);
    } finally {
      rmSync(file);
    }
  });

  it('rolls back to zero', async () => {
    expect(await migrator.rollback(10)).toHaveLength(1);
    expect(await tables()).toEqual(['schema_migrations']);
    expect((await migrator.generate('CreateBlogAgain')).file).toBeDefined();
  });
});

describeOnServer('migrations and the pool time bounds', (url) => {
  it('a migration may run longer than the statement bounds; other work stays bounded', async () => {
    const orm = await Orm.connect({
      url: url(),
      models: [],
      pool: { max: 1, statementTimeoutMs: 300, queryTimeoutMs: 600 },
    });
    const directory = mkdtempSync(join(tmpdir(), 'long-migrations-'));
    try {
      writeFileSync(
        join(directory, '20260101000000_slow.ts'),
        `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class Slow extends Migration {
  up(schema: SchemaBuilder) { schema.sql('select pg_sleep(1)'); schema.sql('create table slow_done (id integer)'); }
  down(schema: SchemaBuilder) { schema.sql('drop table slow_done'); }
}
`,
      );
      expect(await new Migrator(orm, { directory }).migrate()).toEqual(['20260101000000_slow']);
      // The lifted session was discarded: the pool's one connection is bounded again.
      await expect(orm.query(sql`select pg_sleep(1)`)).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(await orm.query(sql`select count(*)::int as n from slow_done`)).toEqual([{ n: 0 }]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
      await orm.close();
    }
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { GeneratedApp, http, type CommandResult } from './support/generated-app';
import { nodeRuntime } from './support/node-runtime';

const exec = promisify(execFile);
const root = process.cwd();
const serverUrl = process.env.DATABASE_URL || undefined;
const minutes = (n: number) => n * 60_000;

/**
 * The path a user takes, with no edit by hand: `nest new` (the application schematic), this
 * package installed from its tarball, `nest-ar init`, `nest g orm-model`, `nest-ar generate
 * resource` with belongs_to and many_to_many, `nest build`, the app's own tests, migrations on
 * the server, the built app serving CRUD, rollback to empty, and the built app on PGlite.
 *
 * The ES module app (what `nest new` writes by default: vitest) runs on Node 24 and 22; the
 * CommonJS app (jest) on Node 24, since Jest loads Nest's ES modules from CommonJS tests only
 * from Node 24.9.
 */
const variants = [
  { kind: 'esm', node: 24, runner: 'vitest' },
  { kind: 'esm', node: 22, runner: 'vitest' },
  { kind: 'cjs', node: 24, runner: 'jest' },
] as const;

let tarball: string;
let packDir: string;
const wallTimes: string[] = [];

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), 'nest-ar-pack-'));
  const { stdout } = await exec('npm', ['pack', '--silent', '--pack-destination', packDir], {
    cwd: root,
    maxBuffer: 50_000_000,
  });
  tarball = join(packDir, stdout.trim().split('\n').at(-1)!);
}, minutes(5));

afterAll(() => {
  rmSync(packDir, { recursive: true, force: true });
  if (wallTimes.length) console.log(`Generated apps, whole path:\n${wallTimes.join('\n')}`);
});

const expectSuccess = (result: CommandResult) => {
  if (result.code !== 0) throw new Error(`exit ${result.code}:\n${result.output}`);
  return result.output;
};

/** Files of a folder tree, relative, with node_modules and build output left out. */
function sourceFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (['node_modules', 'dist', '.git'].includes(entry.name)) return [];
    return entry.isDirectory() ? sourceFiles(dir, path) : [path];
  });
}

describe.each(variants)('a new $kind Nest app on Node $node', ({ kind, node, runner }) => {
  let app: GeneratedApp;
  let started: number;
  let database: string | undefined;
  let databaseUrl: string | undefined;

  beforeAll(async () => {
    started = performance.now();
    const runtime = await nodeRuntime(node, root);
    expect(runtime.version).toMatch(new RegExp(`^v${node}\\.`));
    app = await GeneratedApp.create({ kind, node: runtime, tarball, root });
    if (serverUrl) {
      database = `nest_app_${kind}_${node}_${process.pid}`;
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      databaseUrl = url.toString();
    }
  }, minutes(10));

  afterAll(async () => {
    await app?.dispose();
    if (database) {
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
    wallTimes.push(
      `  ${kind} app on Node ${node}: ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }, minutes(1));

  it('nest-ar init wires the ORM once; a second run changes nothing', async () => {
    const first = expectSuccess(await app.run('npx', ['nest-ar', 'init']));
    expect(first).toMatch(/CREATE nest-ar\.config\.ts/);
    expect(first).toMatch(/UPDATE src\/app\.module\.ts/);
    const module = app.read('src/app.module.ts');
    expect(module).toContain('OrmModule.forRoot(');
    expect(module).toContain('OrmExceptionFilter');
    expect(JSON.parse(app.read('nest-cli.json')).collection).toBe('nestjs-active-record');
    const before = sourceFiles(app.dir).map((f) => [f, app.read(f)]);
    expect(expectSuccess(await app.run('npx', ['nest-ar', 'init']))).toMatch(/Nothing to change/);
    expect(sourceFiles(app.dir).map((f) => [f, app.read(f)])).toEqual(before);
  });

  it('a relation to a model that does not exist yet is refused with the command to run', async () => {
    const before = sourceFiles(app.dir);
    const refused = await app.run('npx', [
      'nest-ar',
      'generate',
      'resource',
      'Post',
      'title:string',
      'tags:many_to_many:Tag',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('npx nest-ar generate model Tag');
    expect(sourceFiles(app.dir)).toEqual(before);
  });

  it(
    'generates models and resources, as the README starts, that build as they are',
    async () => {
      expectSuccess(
        await app.run('npx', ['nest-ar', 'generate', 'resource', 'Author', 'name:string']),
      );
      // Through the Nest CLI, which passes a name only: a skeleton model without columns.
      expect(expectSuccess(await app.run('npx', ['nest', 'g', 'orm-model', 'Tag']))).toMatch(
        /CREATE src\/tags\/tag\.model\.ts/,
      );
      const resource = expectSuccess(
        await app.run('npx', [
          'nest-ar',
          'generate',
          'resource',
          'Post',
          'title:string:unique',
          'body:text:nullable',
          'status:enum:draft,published',
          'author:belongs_to:Author',
          'tags:many_to_many:Tag',
        ]),
      );
      expect(resource).toMatch(/CREATE src\/posts\/posts\.controller\.ts/);
      expect(readdirSync(join(app.dir, 'src/migrations')).sort()).toEqual([
        expect.stringMatching(/^\d{14}_create_authors\.ts$/),
        expect.stringMatching(/^\d{14}_create_tags\.ts$/),
        expect.stringMatching(/^\d{14}_create_posts\.ts$/),
      ]);
      expectSuccess(await app.run('npx', ['nest', 'build']));
      expect(readdirSync(join(app.dir, 'dist/migrations'))).toContainEqual(
        expect.stringMatching(/_create_posts\.js$/),
      );
    },
    minutes(5),
  );

  it(
    `the app's own ${runner} tests pass, within their default timeouts`,
    async () => {
      const unit = expectSuccess(await app.run('npm', ['test']));
      expect(unit).toMatch(/post\.model\.spec\.ts/);
      expect(unit).not.toMatch(/\bfailed\b/i);
      // The template's end-to-end test boots the whole AppModule: the ORM on PGlite, migrated.
      expectSuccess(await app.run('npm', ['run', 'test:e2e']));
    },
    minutes(5),
  );

  (serverUrl ? it : it.skip)(
    'migrates the server, matches the models, serves CRUD, and rolls back to empty',
    async () => {
      const env = { DATABASE_URL: databaseUrl };
      const migrated = expectSuccess(await app.run('npx', ['nest-ar', 'migrate'], env));
      expect(migrated).toMatch(/3 migration\(s\) applied/);
      // The CLI loads the TypeScript models (decorator metadata included) and finds no change.
      expect(
        expectSuccess(await app.run('npx', ['nest-ar', 'migration:generate', 'Check'], env)),
      ).toMatch(/nothing to generate/);

      const base = await app.start(env);
      const author = await http(base, 'POST', '/authors', { name: 'Ada' });
      expect(author).toMatchObject({ status: 201, body: { name: 'Ada' } });
      const authorId = (author.body as { id: number }).id;
      const created = await http(base, 'POST', '/posts', {
        title: 'Hello',
        status: 'draft',
        authorId,
      });
      expect(created).toMatchObject({ status: 201, body: { title: 'Hello', authorId } });
      const id = (created.body as { id: number }).id;
      expect(await http(base, 'GET', `/posts/${id}`)).toMatchObject({
        status: 200,
        body: { id, title: 'Hello', status: 'draft' },
      });
      expect((await http(base, 'GET', '/posts')).body).toHaveLength(1);
      expect(await http(base, 'PATCH', `/posts/${id}`, { title: 'Hello again' })).toMatchObject({
        status: 200,
        body: { title: 'Hello again' },
      });
      // The client cannot choose keys or timestamps, nor send what the DTO does not declare.
      expect(
        (await http(base, 'POST', '/posts', { title: 'Mine', status: 'draft', authorId, id: 7 }))
          .status,
      ).toBe(400);
      expect(
        (
          await http(base, 'POST', '/posts', {
            title: 'Mine',
            status: 'draft',
            authorId,
            createdAt: '2001-01-01',
          })
        ).status,
      ).toBe(400);
      expect(
        (await http(base, 'POST', '/posts', { title: 42, status: 'draft', authorId })).status,
      ).toBe(400);
      expect(
        (await http(base, 'POST', '/posts', { title: 'Hello again', status: 'draft', authorId }))
          .status,
      ).toBe(409);
      expect(
        await http(base, 'POST', '/posts', { title: 'Orphan', status: 'draft', authorId: 99999 }),
      ).toMatchObject({ status: 422, body: { errors: { authorId: expect.any(Array) } } });
      // A post needs its author: left out is 400 (the DTO), unknown is 422 (the foreign key).
      expect((await http(base, 'POST', '/posts', { title: 'Alone', status: 'draft' })).status).toBe(
        400,
      );
      expect((await http(base, 'GET', '/posts/99999')).status).toBe(404);
      expect((await http(base, 'DELETE', `/posts/${id}`)).status).toBe(204);
      expect((await http(base, 'GET', `/posts/${id}`)).status).toBe(404);
      await app.stop();

      expect(
        expectSuccess(await app.run('npx', ['nest-ar', 'migrate:rollback', '--steps', '3'], env)),
      ).toMatch(/3 migration\(s\) rolled back/);
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(
          `select table_name as name from information_schema.tables where table_schema = 'public'
           union all select typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
           where n.nspname = 'public' and t.typtype = 'e' order by 1`,
        );
        expect(rows.map((r) => r.name)).toEqual(['schema_migrations']);
      } finally {
        await client.end();
      }
    },
    minutes(5),
  );

  it(
    'the built app starts on PGlite with no DATABASE_URL, its schema in place',
    async () => {
      const base = await app.start({});
      try {
        const author = await http(base, 'POST', '/authors', { name: 'Grace' });
        expect(author.status).toBe(201);
        const created = await http(base, 'POST', '/posts', {
          title: 'Embedded',
          status: 'published',
          authorId: (author.body as { id: number }).id,
        });
        expect(created).toMatchObject({ status: 201, body: { title: 'Embedded' } });
        expect((await http(base, 'GET', '/posts')).body).toEqual([
          expect.objectContaining({ title: 'Embedded' }),
        ]);
        // The list reads its query through the generated input policy.
        const list = (query: string) => http(base, 'GET', `/posts?${query}`);
        expect((await list('filter[status]=published&sort=-createdAt&limit=5')).body).toEqual([
          expect.objectContaining({ title: 'Embedded' }),
        ]);
        expect((await list('filter[status]=draft')).body).toEqual([]);
        for (const refused of [
          'filter[title][ne]=x',
          'filter[title]=a&filter[title]=b',
          'limit=1000',
          'sort=nope',
          'q=1',
        ]) {
          expect((await list(refused)).status).toBe(400);
        }
      } finally {
        await app.stop();
      }
    },
    minutes(2),
  );
});

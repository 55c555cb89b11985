import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = process.cwd();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/**
 * The whole path a user takes: a fresh Nest app (the package's fixture, its dependencies from
 * the registry, this package from its packed tarball), the real `nest g orm-model`, then
 * `nest-ar generate resource … author:belongs_to`, `nest-ar migrate`, `nest build`, and HTTP.
 */
describe('generators end to end in a fresh Nest app', () => {
  let app: string;
  let server: ChildProcess | undefined;
  const run = (command: string, args: string[]) =>
    exec(command, args, {
      cwd: app,
      env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 50_000_000,
    });

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'nest-app-'));
    cpSync(join(root, 'test/fixtures/nest-app'), app, { recursive: true });
    const { stdout } = await exec(npm, ['pack', '--silent', '--pack-destination', app], {
      cwd: root,
      maxBuffer: 50_000_000,
    });
    const tarball = stdout.trim().split('\n').at(-1)!;
    await run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', join(app, tarball)]);
  }, 600_000);

  afterAll(() => {
    server?.kill();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('generates, migrates, builds and serves the resource', async () => {
    // The Nest CLI passes a name only: no terminal here, so a commented skeleton is written.
    const model = await run(npx, ['nest', 'g', 'orm-model', 'Author']);
    // (the Nest CLI colours its report even when told not to: strip the escapes)
    expect(plain(model.stdout)).toMatch(/CREATE src\/authors\/author\.model\.ts/);
    expect(readFileSync(join(app, 'src/authors/author.model.ts'), 'utf8')).toContain(
      '// Declare the columns',
    );
    // `nest g controller` still works: the collection extends @nestjs/schematics.
    const controller = await run(npx, ['nest', 'g', 'controller', 'health', '--no-spec']);
    expect(plain(controller.stdout)).toMatch(/CREATE src\/health\/health\.controller\.ts/);

    const resource = await run(npx, [
      'nest-ar',
      'generate',
      'resource',
      'Article',
      'title:string',
      'body:text:nullable',
      'author:belongs_to:Author:nullable',
    ]);
    expect(resource.stdout).toMatch(/CREATE src\/articles\/articles\.controller\.ts/);
    expect(resource.stdout).toMatch(/UPDATE src\/app\.module\.ts/);

    // Re-running says what exists and writes nothing.
    const again = await run(npx, [
      'nest-ar',
      'generate',
      'resource',
      'Article',
      'title:string',
    ]).catch((e: { code: number; stdout: string }) => e);
    expect((again as { code?: number }).code).toBe(1);
    expect((again as { stdout: string }).stdout).toMatch(/already exists/);

    const migrated = await run(npx, ['nest-ar', 'migrate']);
    expect(migrated.stdout).toMatch(/migrated \d{14}_create_authors/);
    expect(migrated.stdout).toMatch(/migrated \d{14}_create_articles/);
    expect(readdirSync(join(app, 'migrations'))).toHaveLength(2);

    await run(npx, ['nest', 'build']);
    const port = 40_000 + (process.pid % 10_000);
    server = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: { ...process.env, PORT: String(port), DATABASE_URL: '' },
    });
    await new Promise<void>((resolve, reject) => {
      server!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      server!.on('exit', (code) => reject(new Error(`the app exited with ${code}`)));
    });
    const base = `http://127.0.0.1:${port}/articles`;
    const created = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Generated', body: 'works' }),
    });
    expect(created.status).toBe(201);
    const article = (await created.json()) as { id: number; title: string };
    expect(article.title).toBe('Generated');
    expect(await (await fetch(`${base}/${article.id}`)).json()).toMatchObject({
      title: 'Generated',
    });
    const invalid = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 42 }),
    });
    expect(invalid.status).toBe(400);
    expect((await fetch(`${base}/9999`)).status).toBe(404);
  }, 600_000);
});

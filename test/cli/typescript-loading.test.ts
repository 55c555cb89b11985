import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
// Jest runs from the package root (npm test).
const root = process.cwd();

type AppKind = 'esm' | 'cjs';

/**
 * The tsconfig.json `nest new` writes (Nest CLI 12, both templates): nodenext, ES2023 (class
 * fields defined), legacy decorators with metadata, isolated modules, strict.
 */
const nestTsconfig = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    rootDir: '.',
    incremental: true,
    skipLibCheck: true,
    strict: true,
    strictPropertyInitialization: false,
  },
};

/**
 * A small app of either kind: an ES module app (`"type": "module"`, relative imports end in
 * `.js`) or a CommonJS one (no type, extensionless imports). The config finds the migrations
 * folder the way its module kind allows: `import.meta.url` or `__dirname`.
 */
function writeApp(base: string, kind: AppKind, packageDir: string): string {
  const app = join(base, `${kind}-app`);
  const ext = kind === 'esm' ? '.js' : '';
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: `${kind}-app`,
      private: true,
      ...(kind === 'esm' ? { type: 'module' } : {}),
    }),
    'tsconfig.json': JSON.stringify(nestTsconfig, null, 2),
    'src/authors/author.model.ts': `import { Column, Model, PrimaryKey, Table } from 'nestjs-active-record';

@Table('authors')
export class Author extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}
`,
    'src/books/book.model.ts': `import { BelongsTo, Column, Model, PrimaryKey, Table } from 'nestjs-active-record';
import { Author } from '../authors/author.model${ext}';

@Table('books')
export class Book extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
  @Column({ nullable: true }) summary!: string | null;
  @Column() publishedAt!: Date;
  @Column() pages!: number;
  @Column() inPrint!: boolean;
  @Column() authorId!: number;
  @BelongsTo(() => Author) author!: Author;
}
`,
    'nest-ar.config.ts':
      kind === 'esm'
        ? `import { fileURLToPath } from 'node:url';
import { Author } from './src/authors/author.model.js';
import { Book } from './src/books/book.model.js';

export default {
  models: [Author, Book],
  migrations: { directory: fileURLToPath(new URL('./src/migrations', import.meta.url)) },
};
`
        : `import { join } from 'node:path';
import { Author } from './src/authors/author.model';
import { Book } from './src/books/book.model';

export default {
  models: [Author, Book],
  migrations: { directory: join(__dirname, 'src/migrations') },
};
`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), text);
  }
  // The app installs the package only; what the package needs comes with it.
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(packageDir, join(app, 'node_modules/nestjs-active-record'), 'dir');
  return app;
}

/** `nest-ar <args>` in the app, as its bin runs it; no url: embedded PGlite in memory. */
async function cli(
  app: string,
  packageDir: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', ...extraEnv };
  delete env.TS_NODE_PROJECT;
  delete env.SWC_NODE_PROJECT;
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      [join(packageDir, 'dist/cli/main.js'), ...args],
      { cwd: app, env },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

function generatedMigration(app: string): { name: string; source: string } {
  const folder = join(app, 'src/migrations');
  const [name] = readdirSync(folder);
  return { name: name!, source: readFileSync(join(folder, name!), 'utf8') };
}

/** The column types the ORM read from the decorator metadata, as the diff writes them. */
function expectColumnsFromMetadata(source: string) {
  expect(source).toContain('t.add("title", "text").notNull();');
  // `string | null` is a union: metadata says Object, and a nullable column of it is text.
  expect(source).toContain('t.add("summary", "text");');
  expect(source).toContain('t.add("published_at", "timestamp with time zone").notNull();');
  expect(source).toContain('t.add("pages", "integer").notNull();');
  expect(source).toContain('t.add("in_print", "boolean").notNull();');
  expect(source).toContain('t.add("author_id", "integer").notNull().references("authors", "id");');
}

describe('nest-ar loads the TypeScript of the apps `nest new` writes', () => {
  let base: string;
  /** The package as an app installs it: package.json, a fresh build, its dependencies. */
  let packageDir: string;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'nest-ar-ts-'));
    packageDir = join(base, 'nestjs-active-record');
    mkdirSync(packageDir);
    copyFileSync(join(root, 'package.json'), join(packageDir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
    // A private build of lib/, so neither a stale dist/ nor a build running beside this test
    // (npm pack's prepack) is what runs.
    await exec(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      join(packageDir, 'dist'),
      '--declaration',
      'false',
    ]).catch((error: { stdout: string }) => {
      throw new Error(`lib/ does not compile:\n${error.stdout}`);
    });
  }, 120_000);

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('ES module app: generate reads the column types from decorator metadata, migrate loads the .ts migration', async () => {
    const app = writeApp(base, 'esm', packageDir);

    const generated = await cli(app, packageDir, ['migration:generate', 'Init']);
    expect(generated.output).toMatch(/wrote .*src\/migrations\/\d{14}_init\.ts/);
    expect(generated.code).toBe(0);
    expectColumnsFromMetadata(generatedMigration(app).source);

    // A new in-memory database: the migration runs from its .ts file.
    const migrated = await cli(app, packageDir, ['migrate']);
    expect(migrated.output).toMatch(/migrated \d{14}_init \(\d+ ms\)/);
    expect(migrated.output).toContain('1 migration(s) applied');
    expect(migrated.code).toBe(0);
  }, 60_000);

  it('CommonJS app: generate reads the column types from decorator metadata', async () => {
    const app = writeApp(base, 'cjs', packageDir);

    const generated = await cli(app, packageDir, ['migration:generate', 'Init']);
    expect(generated.output).toMatch(/wrote .*src\/migrations\/\d{14}_init\.ts/);
    expect(generated.code).toBe(0);
    expectColumnsFromMetadata(generatedMigration(app).source);
  }, 60_000);

  // import() of a CommonJS module gives its exports object as `default`: the migration class
  // is found inside it.
  it('CommonJS app: migrate loads the .ts migration', async () => {
    const app = writeApp(join(base, 'cjs-migrate'), 'cjs', packageDir);
    expect((await cli(app, packageDir, ['migration:generate', 'Init'])).code).toBe(0);

    const migrated = await cli(app, packageDir, ['migrate']);
    expect(migrated.output).toContain('1 migration(s) applied');
    expect(migrated.code).toBe(0);
  }, 60_000);

  it('a syntax error in a model names the model file and the line, and exits 1', async () => {
    const app = writeApp(join(base, 'broken'), 'esm', packageDir);
    const model = join(app, 'src/books/book.model.ts');
    writeFileSync(
      model,
      readFileSync(model, 'utf8').replace('pages!: number;', 'pages!: number = ;'),
    );

    // (with RUST_BACKTRACE set, swc would append its Rust stack to the message)
    const failed = await cli(app, packageDir, ['migration:generate', 'Init'], {
      RUST_BACKTRACE: '1',
    });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`Cannot load ${join(app, 'nest-ar.config.ts')}`);
    expect(failed.output).toContain(`${model}:10:`);
    expect(failed.output).toContain('Fix the syntax error at the place shown');
    expect(failed.output).not.toContain('Stack backtrace');
  }, 60_000);

  it('an error while a model runs names the model file and its TypeScript line', async () => {
    // Models that import each other, with the related class as the property type: in an ES
    // module the metadata reads Author before its module has run (tsc's output fails alike).
    const app = writeApp(join(base, 'cycle'), 'esm', packageDir);
    writeFileSync(
      join(app, 'src/authors/author.model.ts'),
      `import { Column, HasMany, Model, PrimaryKey, Table } from 'nestjs-active-record';
import { Book } from '../books/book.model.js';

@Table('authors')
export class Author extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @HasMany(() => Book) books!: Book[];
}
`,
    );

    const failed = await cli(app, packageDir, ['migration:generate', 'Init']);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`Cannot load ${join(app, 'nest-ar.config.ts')}`);
    expect(failed.output).toContain("Cannot access 'Author' before initialization");
    expect(failed.output).toContain(`at ${join(app, 'src/books/book.model.ts')}:13:`);
  }, 60_000);

  it('an import of a missing file names the importing file and says what to check', async () => {
    const app = writeApp(join(base, 'missing'), 'esm', packageDir);
    const config = join(app, 'nest-ar.config.ts');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace("'./src/books/book.model.js'", "'./src/book.model.js'"),
    );

    const failed = await cli(app, packageDir, ['migration:generate', 'Init']);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`Cannot load ${config}`);
    expect(failed.output).toContain('./src/book.model.js');
    expect(failed.output).toContain('Check the import path');
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Orm, sql } from '../../../lib';

const run = promisify(execFile);
const root = process.cwd();

/** An app folder with an embedded database holding `schema`, and a config without models. */
async function makeApp(schema: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'nest-ar-pull-'));
  const packageDir = join(dir, 'node_modules', 'nestjs-active-record');
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(
    join(packageDir, 'index.js'),
    `module.exports = require(${JSON.stringify(join(root, 'lib/index.ts'))});\n`,
  );
  writeFileSync(join(dir, 'nest-ar.config.ts'), `export default { dataDir: 'data' };\n`);
  const orm = await Orm.connect({ dataDir: join(dir, 'data'), models: [] });
  for (const statement of schema.split(/;\s*\n/)) {
    if (statement.trim()) await orm.query(sql.unsafe(statement));
  }
  await orm.close();
  return dir;
}

async function cli(dir: string, args: string[]) {
  try {
    const { stdout } = await run(
      process.execPath,
      [
        '-r',
        join(root, 'node_modules/@swc-node/register/index.js'),
        join(root, 'lib/cli/main.ts'),
        ...args,
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          DATABASE_URL: '',
          SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
          TS_NODE_PROJECT: join(root, 'tsconfig.json'),
          NODE_PATH: join(root, 'node_modules'),
        },
      },
    );
    return { code: 0, output: stdout };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

const schema = `
  CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE books (
    id serial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors (id),
    title text NOT NULL
  );
  CREATE INDEX books_author_id_idx ON books (author_id);
  CREATE VIEW titles AS SELECT title FROM books;
`;

describe('nest-ar db:pull', () => {
  it('pulls models that migration:generate then finds nothing to add to', async () => {
    const dir = await makeApp(schema);
    try {
      const dry = await cli(dir, ['db:pull', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.output).toContain('WOULD WRITE src/models/author.model.ts');
      expect(dry.output).toContain('Dry run: nothing was written');
      expect(readdirSync(dir)).not.toContain('src');

      const pulled = await cli(dir, ['db:pull']);
      expect(pulled.code).toBe(0);
      expect(pulled.output.split('\n')).toEqual(
        expect.arrayContaining([
          'WROTE src/models/author.model.ts',
          'WROTE src/models/book.model.ts',
          'WROTE src/models/index.ts',
          'Not mapped (what was done instead):',
          '  view titles: not a model (read it with orm.query(sql`SELECT … FROM …`))',
        ]),
      );
      expect(readFileSync(join(dir, 'src/models/book.model.ts'), 'utf8')).toContain(
        '@BelongsTo(() => Author) author!: Rel<Author>;',
      );

      const again = await cli(dir, ['db:pull']);
      expect(again.code).toBe(1);
      expect(again.output).toContain('Run again with --force');
      expect((await cli(dir, ['db:pull', '--force', '--tables', 'authors'])).code).toBe(0);
      expect((await cli(dir, ['db:pull', '--force'])).code).toBe(0);

      writeFileSync(
        join(dir, 'nest-ar.config.ts'),
        `import { models } from './src/models';\nexport default { dataDir: 'data', models };\n`,
      );
      const generated = await cli(dir, ['migration:generate', 'AfterPull']);
      expect(generated).toMatchObject({ code: 0 });
      expect(generated.output).toContain('The database matches the models: nothing to generate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

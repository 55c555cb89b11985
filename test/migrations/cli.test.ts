import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
// Jest runs from the package root (npm test).
const root = process.cwd();

/** A throwaway app folder whose `nestjs-active-record` is this package's source. */
function makeProject(config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nest-ar-cli-'));
  const packageDir = join(dir, 'node_modules', 'nestjs-active-record');
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(
    join(packageDir, 'index.js'),
    `module.exports = require(${JSON.stringify(join(root, 'lib/index.ts'))});\n`,
  );
  writeFileSync(
    join(dir, 'note.model.ts'),
    `import 'reflect-metadata';
import { Column, Model, PrimaryKey, Table } from 'nestjs-active-record';
@Table('cli_notes')
export class Note extends Model {
  @PrimaryKey() id!: number;
  @Column() text!: string;
  @Column({ default: false }) pinned!: boolean;
}
`,
  );
  writeFileSync(
    join(dir, 'nest-ar.config.ts'),
    `import { Note } from './note.model';
export default { ...${JSON.stringify(config)}, models: [Note], migrations: { directory: 'migrations' },
  seed: async () => { await Note.create({ text: 'seeded' }); } };
`,
  );
  return dir;
}

async function cli(dir: string, args: string[], env: Record<string, string | undefined> = {}) {
  try {
    const { stdout } = await run(
      process.execPath,
      [
        // The package from source, compiled as the CLI compiles an app (swc: fast enough to
        // start a process per command).
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
          // The app's TypeScript settings; here, the package's own (decorators, CommonJS).
          SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
          TS_NODE_PROJECT: join(root, 'tsconfig.json'),
          NODE_PATH: join(root, 'node_modules'),
          ...env,
        },
      },
    );
    return { code: 0, output: stdout };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

describe('nest-ar CLI', () => {
  it('generate → migrate → status → seed → generate finds nothing → rollback, on embedded PostgreSQL', async () => {
    const dir = makeProject({ dataDir: 'data' });
    try {
      const generated = await cli(dir, ['migration:generate', 'CreateNotes']);
      expect(generated).toMatchObject({ code: 0 });
      expect(generated.output).toMatch(/wrote .*migrations\/\d{14}_create_notes\.ts/);
      expect(readdirSync(join(dir, 'migrations'))).toHaveLength(1);

      const migrated = await cli(dir, ['migrate']);
      expect(migrated.output).toMatch(/migrated \d{14}_create_notes \(\d+ ms\)/);
      expect(migrated.output).toContain('1 migration(s) applied');

      expect((await cli(dir, ['migrate:status'])).output).toMatch(
        /^applied {2}\d{14}_create_notes/m,
      );
      expect((await cli(dir, ['db:seed'])).output).toContain('seeded');
      // An index no model declares: reported, never dropped.
      writeFileSync(
        join(dir, 'migrations', '29990101000000_manual_index.ts'),
        `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class ManualIndex extends Migration {
  override readonly transactional = false;
  up(schema: SchemaBuilder) { schema.createIndex('cli_notes', ['text'], { name: 'cli_notes_manual_idx', concurrently: true }); }
  down(schema: SchemaBuilder) { schema.dropIndex('cli_notes_manual_idx', { concurrently: true }); }
}
`,
      );
      expect((await cli(dir, ['migrate'])).output).toContain('1 migration(s) applied');
      const again = (await cli(dir, ['migration:generate', 'Again'])).output;
      expect(again).toContain('nothing to generate');
      expect(again).toMatch(
        /^review: index "cli_notes_manual_idx" on "cli_notes" is declared by no model: it is kept/m,
      );

      const rolled = await cli(dir, ['migrate:rollback', '--steps', '1']);
      expect(rolled.output).toContain('1 migration(s) rolled back');
      expect((await cli(dir, ['migrate:status'])).output).toMatch(/^pending {2}/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('exit codes: 2 for usage errors, 1 for failures', async () => {
    const dir = makeProject({ dataDir: 'data' });
    try {
      expect((await cli(dir, [])).code).toBe(2);
      expect((await cli(dir, ['migration:generate'])).code).toBe(2);
      expect((await cli(dir, ['migrate', '--bogus'])).code).toBe(2);
      expect((await cli(dir, ['explode'])).code).toBe(2);
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(
        join(dir, 'migrations', '20260101000000_broken.ts'),
        `import { Migration } from 'nestjs-active-record';
export default class Broken extends Migration {
  up(schema: any) { schema.sql('select * from missing_table'); }
  down() {}
}
`,
      );
      const failed = await cli(dir, ['migrate']);
      expect(failed.code).toBe(1);
      expect(failed.output).toMatch(/Migration 20260101000000_broken failed and was rolled back/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  const server = process.env.DATABASE_URL;
  if (server) {
    it('db:create, migrate and db:drop on the server from DATABASE_URL', async () => {
      const url = new URL(server);
      url.pathname = `/nar_cli_${process.pid}`;
      const dir = makeProject({});
      try {
        const env = { DATABASE_URL: url.toString() };
        expect((await cli(dir, ['db:create'], env)).output).toContain(`created`);
        await cli(dir, ['migration:generate', 'CreateNotes'], env);
        // two processes at once: the advisory lock lets exactly one apply the migration
        const [first, second] = await Promise.all([
          cli(dir, ['migrate'], env),
          cli(dir, ['migrate'], env),
        ]);
        expect([first.code, second.code]).toEqual([0, 0]);
        expect(
          [first.output, second.output].filter((o) => o.includes('1 migration(s) applied')),
        ).toHaveLength(1);
        expect(
          [first.output, second.output].filter((o) => o.includes('Nothing to migrate')),
        ).toHaveLength(1);
        const client = new Client({ connectionString: url.toString() });
        await client.connect();
        const { rows } = await client.query('select count(*)::int as n from schema_migrations');
        await client.end();
        expect(rows[0].n).toBe(1);
        // The migration commands use MIGRATIONS_DATABASE_URL (a direct url, past a pooler)
        // when set: here the app's url answers nothing.
        const status = await cli(dir, ['migrate:status'], {
          DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing',
          MIGRATIONS_DATABASE_URL: url.toString(),
        });
        expect(status.output).toMatch(/applied {2}\d{14}_create_notes/);
        expect((await cli(dir, ['db:drop'], env)).output).toContain('dropped');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);
  }
});

#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Client } from 'pg';
import { describeTarget } from '../driver/connection-target';
import { Migrator } from '../migrations/migrator';
import { Orm } from '../connection/orm';
import { loadConfig, registerTypeScript, type CliConfig } from './config';
import { generate } from './generate';
import { pullModels } from './pull/pull-models';
import { reportLines } from './pull/model-source';

const usage = `Usage: nest-ar <command> [options]

Commands:
  init                        wire the ORM into the app: OrmModule.forRoot, exception filter,
                              validation, nest-ar.config.ts, package scripts (again: no change)
  migration:generate <Name>   diff the models against the database into a new migration
  migration:create <Name>     write an empty migration
  migrate [--unsafe]          apply pending migrations (under an advisory lock)
  migrate:rollback [--steps N]
  migrate:status
  db:create | db:drop         create or drop the database named by the url
  db:seed                     run the config's seed function
  db:pull [--out src/models] [--tables a,b] [--force] [--dry-run]
                              write a model per table of the database's current schema, and
                              report what could not be mapped (views, functions, triggers…)
  generate <model|resource|migration> <Name> [field:type[:modifier] …]
                              [--flat] [--no-spec] [--dry-run] [--path p] [--project p]

Options:
  --config <file>             default: nest-ar.config.ts|js|cjs|json in the working directory
Environment:
  DATABASE_URL                the url when the config gives none
  MIGRATIONS_DATABASE_URL     a direct url for migrate*, migration:generate (past PgBouncer),
                              when the config gives no migrations.url
Exit codes: 0 done, 1 failed, 2 usage error.`;

class UsageError extends Error {}

interface Parsed {
  command: string;
  name?: string;
  /** Further positional arguments (generate: kind, name, fields). */
  args: string[];
  config?: string;
  steps: number;
  unsafe: boolean;
  flat: boolean;
  spec: boolean;
  dryRun: boolean;
  path?: string;
  project?: string;
  out?: string;
  force: boolean;
  tables?: string[];
}

function parse(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (!command) throw new UsageError('');
  const parsed: Parsed = {
    command,
    args: [],
    steps: 1,
    unsafe: false,
    flat: false,
    spec: true,
    dryRun: false,
    force: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--config') parsed.config = rest[++i];
    else if (arg === '--unsafe') parsed.unsafe = true;
    else if (arg === '--flat') parsed.flat = true;
    else if (arg === '--no-spec') parsed.spec = false;
    else if (arg === '--dry-run') parsed.dryRun = true;
    else if (arg === '--path') parsed.path = rest[++i];
    else if (arg === '--project') parsed.project = rest[++i];
    else if (arg === '--out') parsed.out = rest[++i];
    else if (arg === '--force') parsed.force = true;
    else if (arg === '--tables') {
      const tables = (rest[++i] ?? '').split(',').map((t) => t.trim());
      if (tables.some((t) => !t)) throw new UsageError('--tables takes table names: a,b,c');
      parsed.tables = tables;
    } else if (arg === '--steps') {
      const steps = Number(rest[++i]);
      if (!Number.isSafeInteger(steps) || steps < 1)
        throw new UsageError('--steps takes a positive integer');
      parsed.steps = steps;
    } else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}`);
    else if (command === 'generate') parsed.args.push(arg);
    else if (!parsed.name) parsed.name = arg;
    else throw new UsageError(`Unexpected argument ${arg}`);
  }
  return parsed;
}

/** Commands that change or read the schema: on `migrations.url` when the config gives one. */
const schemaCommands = new Set([
  'migration:generate',
  'migrate',
  'migrate:rollback',
  'migrate:status',
]);

async function connect(
  config: CliConfig,
  models = config.models ?? [],
  url = config.url,
): Promise<Orm> {
  return Orm.connect({
    url,
    dataDir: config.dataDir,
    models,
    nPlusOne: false,
  });
}

/** db:create / db:drop connect to the server's maintenance database. */
async function adminQuery(url: string, statement: (database: string) => string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (!database) throw new UsageError('The url names no database');
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(statement('"' + database.replace(/"/g, '""') + '"'));
  } finally {
    await client.end();
  }
}

/** Whether the app in the working directory is an ES module app (`"type": "module"`). */
function isEsModuleApp(): boolean {
  const manifest = resolve('package.json');
  if (!existsSync(manifest)) return false;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
}

async function pull(
  orm: Orm,
  parsed: Parsed,
  config: CliConfig,
  out: (line: string) => void,
): Promise<number> {
  const result = await pullModels(orm, {
    out: parsed.out,
    force: parsed.force,
    dryRun: parsed.dryRun,
    tables: parsed.tables,
    ignore: [config.migrations?.table ?? 'schema_migrations'],
    esModules: isEsModuleApp(),
  });
  const verb = parsed.dryRun ? 'WOULD WRITE' : 'WROTE';
  for (const file of result.files) out(`${verb} ${relative(process.cwd(), file.path)}`);
  for (const table of result.joinTables) out(`join table ${table}: @ManyToMany on both sides`);
  if (result.notes.length) {
    out('Not mapped (what was done instead):');
    for (const line of reportLines(result.notes)) out(`  ${line}`);
  }
  if (parsed.dryRun) out('Dry run: nothing was written');
  return 0;
}

export async function run(argv: readonly string[], out = console.log): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    out(usage);
    return 0;
  }
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    out((error as Error).message ? `${(error as Error).message}\n\n${usage}` : usage);
    return 2;
  }
  if (parsed.command === 'init') {
    return generate({ ...parsed, kind: 'init', name: '', fields: [] }, out);
  }
  if (parsed.command === 'generate') {
    const [kind, name, ...fields] = parsed.args;
    if (!kind || !name) {
      out(`generate needs a kind and a name\n\n${usage}`);
      return 2;
    }
    return generate({ ...parsed, kind, name, fields }, out);
  }
  registerTypeScript();
  const config = await loadConfig(parsed.config);
  const needsName =
    parsed.command === 'migration:generate' || parsed.command === 'migration:create';
  if (needsName && !parsed.name) {
    out(`${parsed.command} needs a name\n\n${usage}`);
    return 2;
  }
  if (parsed.command === 'db:create' || parsed.command === 'db:drop') {
    if (!config.url)
      throw new UsageError('db:create and db:drop need a url (DATABASE_URL or config)');
    await adminQuery(config.url, (db) =>
      parsed.command === 'db:create' ? `CREATE DATABASE ${db}` : `DROP DATABASE IF EXISTS ${db}`,
    );
    out(`${parsed.command === 'db:create' ? 'created' : 'dropped'} ${describeTarget(config.url)}`);
    return 0;
  }
  if (parsed.command === 'db:pull') {
    // The models are what it writes: those of the config (if any) are not needed.
    const orm = await connect(config, []);
    try {
      return await pull(orm, parsed, config, out);
    } finally {
      await orm.close();
    }
  }
  const url = schemaCommands.has(parsed.command)
    ? (config.migrations?.url ?? config.url)
    : config.url;
  const orm = await connect(config, config.models, url);
  try {
    const { url: _url, ...migrations } = config.migrations ?? {};
    const migrator = new Migrator(orm, {
      ...migrations,
      unsafe: parsed.unsafe,
      log: out,
    });
    switch (parsed.command) {
      case 'migration:generate': {
        // An in-memory database starts empty: the migrations written so far are applied
        // first, so that only what they do not create yet is generated.
        if (!url && !config.dataDir) {
          await new Migrator(orm, { ...migrations, unsafe: true }).migrate();
        }
        const generated = await migrator.generate(parsed.name!);
        if (!generated.file) out('The database matches the models: nothing to generate');
        for (const file of generated.files) out(`wrote ${file}`);
        for (const note of generated.notes) out(`review: ${note}`);
        for (const warning of generated.warnings) out(`warning: ${warning}`);
        return 0;
      }
      case 'migration:create':
        out(`wrote ${await migrator.create(parsed.name!)}`);
        return 0;
      case 'migrate': {
        const applied = await migrator.migrate();
        out(applied.length ? `${applied.length} migration(s) applied` : 'Nothing to migrate');
        return 0;
      }
      case 'migrate:rollback': {
        const reverted = await migrator.rollback(parsed.steps);
        out(
          reverted.length ? `${reverted.length} migration(s) rolled back` : 'Nothing to roll back',
        );
        return 0;
      }
      case 'migrate:status':
        for (const s of await migrator.status()) {
          out(
            `${s.applied ? (s.changed ? 'changed' : 'applied') : 'pending'}  ${s.name}` +
              (s.appliedAt ? `  ${s.appliedAt.toISOString()}` : ''),
          );
        }
        return 0;
      case 'db:seed':
        if (!config.seed) throw new UsageError('The config has no seed function');
        await config.seed(orm);
        out('seeded');
        return 0;
      default:
        out(`Unknown command ${parsed.command}\n\n${usage}`);
        return 2;
    }
  } finally {
    await orm.close();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error((error as Error)?.message ?? error);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}

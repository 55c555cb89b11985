import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { MigrationsOptions } from '../migrations/migrator';
import type { Orm } from '../connection/orm';
import { describeLoadFailure, typeScriptUnavailable } from './typescript-loader';

/**
 * `nest-ar.config.ts` (or .js/.cjs/.mjs/.json, or the file `--config` names): the connection and models,
 * as the app has them. `DATABASE_URL` is used when the file gives no `url`.
 *
 * @example
 * export default { url: process.env.DATABASE_URL, models: [User, Post], migrations: { directory: 'migrations' } };
 */
export interface CliConfig {
  url?: string;
  /** Embedded PostgreSQL kept in this folder (when there is no url). */
  dataDir?: string;
  models?: ReadonlyArray<abstract new () => object>;
  /**
   * `url`: a direct url to the server for the migration commands, when `url` goes through a
   * pooler (PgBouncer); `MIGRATIONS_DATABASE_URL` when the file gives none.
   */
  migrations?: Pick<MigrationsOptions, 'directory' | 'table'> & { url?: string };
  /** `nest-ar db:seed` calls it. */
  seed?: (orm: Orm) => Promise<void>;
}

const defaultNames = [
  'nest-ar.config.ts',
  'nest-ar.config.js',
  'nest-ar.config.cjs',
  'nest-ar.config.mjs',
  'nest-ar.config.json',
];

export { registerTypeScript } from './typescript-loader';

export async function loadConfig(
  path: string | undefined,
  cwd = process.cwd(),
): Promise<CliConfig> {
  const file = path
    ? resolve(cwd, path)
    : defaultNames.map((n) => resolve(cwd, n)).find(existsSync);
  let config: CliConfig = {};
  if (file) {
    if (!existsSync(file)) throw new Error(`Config file not found: ${file}`);
    if (extname(file) === '.json') config = JSON.parse(await readFile(file, 'utf8')) as CliConfig;
    else config = await importConfig(file);
  }
  const migrationsUrl = config.migrations?.url ?? process.env.MIGRATIONS_DATABASE_URL;
  return {
    ...config,
    url: config.url ?? process.env.DATABASE_URL,
    ...(migrationsUrl ? { migrations: { ...config.migrations, url: migrationsUrl } } : {}),
  };
}

async function importConfig(file: string): Promise<CliConfig> {
  const unavailable = typeScriptUnavailable(file);
  if (unavailable) throw new Error(unavailable);
  let module: { default?: CliConfig } & CliConfig;
  try {
    module = (await import(file)) as typeof module;
  } catch (error) {
    throw new Error(describeLoadFailure(file, error), { cause: error });
  }
  const config = module.default ?? module;
  // A CommonJS config compiled from `export default {…}`: import() gives its exports object.
  const compiled = config as { __esModule?: boolean; default?: CliConfig };
  return compiled.__esModule && compiled.default ? compiled.default : config;
}

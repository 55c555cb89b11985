import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { MigrationsOptions } from '../migrations/migrator';
import type { Orm } from '../orm/orm';

/**
 * `nest-ar.config.ts` (or .js/.json, or the file `--config` names): the connection and models,
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
  migrations?: Pick<MigrationsOptions, 'directory' | 'table'>;
  /** `nest-ar db:seed` calls it. */
  seed?: (orm: Orm) => Promise<void>;
}

const defaultNames = [
  'nest-ar.config.ts',
  'nest-ar.config.js',
  'nest-ar.config.cjs',
  'nest-ar.config.json',
];

/** Lets `.ts` files (config, migrations, models) load without a build step. */
export function registerTypeScript(): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsNode = require('ts-node') as {
      register(options: object): void;
    };
    tsNode.register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  } catch {
    // Without ts-node, only compiled (.js) files load; loading a .ts file then fails clearly.
  }
}

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
    else {
      const module = (await import(file)) as { default?: CliConfig } & CliConfig;
      config = module.default ?? module;
    }
  }
  return { ...config, url: config.url ?? process.env.DATABASE_URL };
}

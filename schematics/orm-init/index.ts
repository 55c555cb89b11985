import type { Rule, Tree } from '@angular-devkit/schematics';
import { dirname, relative } from 'node:path/posix';
import { appConventions, type AppConventions } from '../utils/app-conventions';
import { addToModuleList, ensureImport, nearestModule } from '../utils/module-registration';
import { useTestingKit } from '../utils/test-setup';
import { projectPaths, type ProjectPaths } from '../utils/workspace';

export interface OrmInitOptions {
  project?: string;
  path?: string;
}

/** Versions the wiring's imports need in the app (ValidationPipe loads both). */
const appDependencies: Record<string, string> = {
  'class-transformer': '^0.5.1',
  'class-validator': '^0.15.1',
};

const appScripts: Record<string, string> = {
  'db:migrate': 'nest-ar migrate',
  'db:rollback': 'nest-ar migrate:rollback',
  'db:status': 'nest-ar migrate:status',
  'db:generate': 'nest-ar migration:generate',
};

/** `OrmModule.forRoot()` with the options an app starts with, in the app's module style. */
function forRootCall(migrationsFromModule: string, conventions: AppConventions): string {
  const directory =
    conventions.moduleKind === 'esm'
      ? `fileURLToPath(new URL('${migrationsFromModule}', import.meta.url))`
      : `join(__dirname, '${migrationsFromModule}')`;
  return `OrmModule.forRoot({
      // A PostgreSQL server when DATABASE_URL is set, else embedded PostgreSQL (PGlite) in memory.
      url: process.env.DATABASE_URL || undefined,
      // Pending migrations run at start-up, under a lock. \`nest build\` compiles them next to
      // this module, so the built app needs no TypeScript loader.
      migrations: { run: true, directory: ${directory} },
    })`;
}

/** The root module gets the connection, the ORM's exception filter and validation. */
function wireRootModule(
  tree: Tree,
  module: string,
  paths: ProjectPaths,
  conventions: AppConventions,
) {
  let source = tree.readText(module);
  if (/OrmModule\.forRoot(Async)?\(/.test(source)) return;
  const fromModule = relative(dirname(module), paths.migrations);
  source = addToModuleList(
    source,
    'imports',
    forRootCall(fromModule.startsWith('.') ? fromModule : `./${fromModule}`, conventions),
    module,
  );
  source = addToModuleList(
    source,
    'providers',
    `{ provide: APP_FILTER, useClass: OrmExceptionFilter },
    {
      provide: APP_PIPE,
      // DTOs decide what a client may send: other properties are refused.
      useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
    }`,
    module,
  );
  source = ensureImport(source, 'ValidationPipe', '@nestjs/common');
  source = ensureImport(source, 'APP_FILTER', '@nestjs/core');
  source = ensureImport(source, 'APP_PIPE', '@nestjs/core');
  source = ensureImport(source, 'OrmExceptionFilter', 'nestjs-active-record');
  source = ensureImport(source, 'OrmModule', 'nestjs-active-record');
  source =
    conventions.moduleKind === 'esm'
      ? ensureImport(source, 'fileURLToPath', 'node:url')
      : ensureImport(source, 'join', 'node:path');
  tree.overwrite(module, source);
}

/** The CLI's config: the connection the app uses, its models and migrations. */
function renderConfig(paths: ProjectPaths): string {
  return `import type { CliConfig } from 'nestjs-active-record';

/** What \`npx nest-ar\` (migrate, migration:generate, …) works on. */
export default {
  // A PostgreSQL server when DATABASE_URL is set, else embedded PostgreSQL in memory (where
  // migration:generate applies the migrations first, then compares the models with the result).
  url: process.env.DATABASE_URL || undefined,
  // The generators add each model here, for migration:generate.
  models: [],
  migrations: { directory: '${paths.migrations}' },
} satisfies CliConfig;
`;
}

function updatePackageJson(tree: Tree): void {
  if (!tree.exists('package.json')) return;
  const text = tree.readText('package.json');
  const pkg = JSON.parse(text) as {
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
  let changed = false;
  for (const [name, command] of Object.entries(appScripts)) {
    if (pkg.scripts?.[name]) continue;
    pkg.scripts = { ...pkg.scripts, [name]: command };
    changed = true;
  }
  for (const [name, version] of Object.entries(appDependencies)) {
    if (pkg.dependencies?.[name]) continue;
    pkg.dependencies = Object.fromEntries(
      Object.entries({ ...pkg.dependencies, [name]: version }).sort(([a], [b]) =>
        a.localeCompare(b),
      ),
    );
    changed = true;
  }
  if (changed) tree.overwrite('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
}

/** `nest g …` then finds the package's generators (the collection extends Nest's own). */
function useCollection(tree: Tree): void {
  if (!tree.exists('nest-cli.json')) return;
  const config = JSON.parse(tree.readText('nest-cli.json')) as { collection?: string };
  if (config.collection && config.collection !== '@nestjs/schematics') return;
  config.collection = 'nestjs-active-record';
  tree.overwrite('nest-cli.json', `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Wires the ORM into an app once: `OrmModule.forRoot()` in the root module (DATABASE_URL, else
 * PGlite, with migrations applied at start-up), the exception filter and a whitelisting
 * ValidationPipe, the CLI config, package scripts and dependencies, the generators'
 * collection, and the testing kit's set-up file in the test configs. What is in place already is left alone, so running it again changes nothing.
 */
export function ensureOrmSetup(tree: Tree, paths: ProjectPaths, conventions: AppConventions): void {
  const module = nearestModule(tree, paths.sourceRoot, paths.sourceRoot);
  if (module) wireRootModule(tree, module, paths, conventions);
  if (paths.config && !tree.exists(paths.config)) tree.create(paths.config, renderConfig(paths));
  updatePackageJson(tree);
  useCollection(tree);
  useTestingKit(tree);
}

/** `nest g orm-init` / `nest-ar init`. */
export function ormInit(options: OrmInitOptions): Rule {
  return (tree) => {
    const paths = projectPaths(tree, options.project, options.path);
    ensureOrmSetup(tree, paths, appConventions(tree, paths.sourceRoot));
    return tree;
  };
}

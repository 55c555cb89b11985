import { SchematicsException, type Tree } from '@angular-devkit/schematics';

/** Where a project keeps its sources and migrations (monorepos name the project). */
export interface ProjectPaths {
  sourceRoot: string;
  /**
   * Migrations live under the source root by default, so that `nest build` compiles them and
   * the built app can apply them without a TypeScript loader.
   */
  migrations: string;
  /** The CLI's config file at the workspace root (none for a project of a monorepo). */
  config?: string;
}

const configNames = [
  'nest-ar.config.ts',
  'nest-ar.config.js',
  'nest-ar.config.mjs',
  'nest-ar.config.cjs',
  'nest-ar.config.json',
];

/** The CLI config file that exists, if any. */
export function existingConfig(tree: Tree): string | undefined {
  return configNames.find((name) => tree.exists(name));
}

/** The migrations folder a config file names (`directory: 'src/migrations'`). */
function configuredMigrations(tree: Tree): string | undefined {
  const config = existingConfig(tree);
  if (!config) return undefined;
  return /["']?directory["']?\s*:\s*["']([^"']+)["']/
    .exec(tree.readText(config))?.[1]
    ?.replace(/^\.\//, '');
}

export function projectPaths(
  tree: Tree,
  project: string | undefined,
  path: string | undefined,
): ProjectPaths {
  const config = tree.exists('nest-cli.json')
    ? (JSON.parse(tree.readText('nest-cli.json')) as {
        sourceRoot?: string;
        projects?: Record<string, { root?: string; sourceRoot?: string }>;
      })
    : {};
  if (project) {
    const entry = config.projects?.[project];
    if (!entry) throw new SchematicsException(`nest-cli.json has no project "${project}"`);
    const root = entry.root ?? `apps/${project}`;
    const sourceRoot = path ?? entry.sourceRoot ?? `${root}/src`;
    return { sourceRoot, migrations: `${sourceRoot}/migrations` };
  }
  const sourceRoot = path ?? config.sourceRoot ?? 'src';
  return {
    sourceRoot,
    migrations: configuredMigrations(tree) ?? `${config.sourceRoot ?? 'src'}/migrations`,
    config: existingConfig(tree) ?? 'nest-ar.config.ts',
  };
}

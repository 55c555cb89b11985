import { SchematicsException, type Tree } from '@angular-devkit/schematics';

/** Where a project keeps its sources and migrations (monorepos name the project). */
export interface ProjectPaths {
  sourceRoot: string;
  migrations: string;
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
    return {
      sourceRoot: path ?? entry.sourceRoot ?? `${root}/src`,
      migrations: `${root}/migrations`,
    };
  }
  return { sourceRoot: path ?? config.sourceRoot ?? 'src', migrations: 'migrations' };
}

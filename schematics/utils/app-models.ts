import type { Tree } from '@angular-devkit/schematics';

/** The models an app declares: class name → file (`src/authors/author.model.ts`). */
export function appModels(tree: Tree, sourceRoot: string): Map<string, string> {
  const models = new Map<string, string>();
  const root = sourceRoot.replace(/^\/+/, '');
  tree.getDir(root).visit((path) => {
    if (!path.endsWith('.ts') || path.endsWith('.d.ts') || /\.(spec|test)\.ts$/.test(path)) return;
    if (path.includes('/node_modules/')) return;
    const source = tree.readText(path);
    for (const match of source.matchAll(
      /export\s+class\s+([A-Za-z_$][\w$]*)\s+extends\s+Model\b/g,
    )) {
      models.set(match[1]!, path.replace(/^\/+/, ''));
    }
  });
  return models;
}

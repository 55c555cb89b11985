import type { Tree } from '@angular-devkit/schematics';

/** What the generated files must match in the app they are written into. */
export interface AppConventions {
  /**
   * Appended to relative import specifiers: `.js` where the app's module resolution requires an
   * extension (an ES module app under nodenext or node16), else nothing.
   */
  importSuffix: '' | '.js';
  /** The app's test runner: its specs import from it (vitest) or use its globals (jest). */
  testRunner: 'vitest' | 'jest';
  /** An ES module app (`"type": "module"`) or a CommonJS one. */
  moduleKind: 'esm' | 'cjs';
}

interface PackageJson {
  type?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson<T>(tree: Tree, path: string): T | undefined {
  if (!tree.exists(path)) return undefined;
  try {
    // tsconfig files allow comments and trailing commas.
    const text = tree
      .readText(path)
      .replace(/\/\*[\s\S]*?\*\/|(?<![:"\w])\/\/.*$/gm, '')
      .replace(/,(\s*[}\]])/g, '$1');
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The relative specifiers of a source file: `./app.service.js` → '.js', `./app.service` → ''. */
function suffixUsedIn(source: string): AppConventions['importSuffix'] | undefined {
  const specifiers = [...source.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  if (specifiers.length === 0) return undefined;
  return specifiers.every((s) => s.endsWith('.js')) ? '.js' : '';
}

/**
 * Reads the conventions of the app at the tree's root: the import style its own sources use
 * (the root module first), else what its tsconfig and package.json imply; its test runner.
 */
export function appConventions(tree: Tree, sourceRoot: string): AppConventions {
  const pkg = readJson<PackageJson>(tree, 'package.json') ?? {};
  const moduleKind = pkg.type === 'module' ? 'esm' : 'cjs';
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const testRunner = 'vitest' in deps ? 'vitest' : 'jest';
  for (const file of [`${sourceRoot}/app.module.ts`, `${sourceRoot}/main.ts`]) {
    const used = tree.exists(file) ? suffixUsedIn(tree.readText(file)) : undefined;
    if (used !== undefined) return { importSuffix: used, testRunner, moduleKind };
  }
  const compilerOptions =
    readJson<{ compilerOptions?: { moduleResolution?: string; module?: string } }>(
      tree,
      'tsconfig.json',
    )?.compilerOptions ?? {};
  const resolution = (
    compilerOptions.moduleResolution ??
    compilerOptions.module ??
    ''
  ).toLowerCase();
  const needsExtensions = moduleKind === 'esm' && /^node(16|18|20|next)$/.test(resolution);
  return { importSuffix: needsExtensions ? '.js' : '', testRunner, moduleKind };
}

/** A relative import specifier in the app's style: `./authors/author.model` + suffix. */
export function specifier(path: string, conventions: AppConventions): string {
  return `${path}${conventions.importSuffix}`;
}

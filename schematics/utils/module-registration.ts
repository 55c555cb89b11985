import { SchematicsException, type Tree } from '@angular-devkit/schematics';
import { dirname, join, relative } from 'node:path/posix';

/** The closest `*.module.ts` from `directory` up to `root`, or undefined. */
export function nearestModule(tree: Tree, directory: string, root: string): string | undefined {
  for (let dir = directory; ; dir = dirname(dir)) {
    const modules = tree
      .getDir(dir)
      .subfiles.filter((f) => f.endsWith('.module.ts'))
      .sort((a, b) => Number(b === 'app.module.ts') - Number(a === 'app.module.ts'));
    if (modules.length) return join(dir, modules[0]!);
    if (dir === root || dir === '/' || dir === '.' || !dir.startsWith(root)) return undefined;
  }
}

function importPath(fromFile: string, toFile: string): string {
  const path = relative(dirname(fromFile), toFile).replace(/\.ts$/, '');
  return path.startsWith('.') ? path : `./${path}`;
}

/** Adds `import { name } from 'source'` unless the file imports it already. */
function ensureImport(source: string, name: string, from: string): string {
  if (new RegExp(`import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from`).test(source)) return source;
  const existing = new RegExp(
    `import\\s*\\{([^}]*)\\}\\s*from\\s*'${from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}';`,
  );
  const match = existing.exec(source);
  if (match)
    return source.replace(match[0], `import {${match[1]!.trimEnd()}, ${name} } from '${from}';`);
  const lastImport = [...source.matchAll(/^import .*;$/gm)].at(-1);
  const line = `import { ${name} } from '${from}';\n`;
  if (!lastImport) return line + source;
  const end = lastImport.index! + lastImport[0].length + 1;
  return source.slice(0, end) + line + source.slice(end);
}

/** Adds an entry to the `imports: [...]` of the file's `@Module({...})`. */
function addModuleImport(source: string, entry: string, file: string): string {
  if (!/@Module\(\s*\{/.test(source))
    throw new SchematicsException(`${file} has no @Module({ … })`);
  if (/imports\s*:\s*\[/.test(source)) {
    return source.replace(/imports\s*:\s*\[/, (m) => `${m}${entry}, `).replace(/, \]/, ']');
  }
  return source.replace(/@Module\(\s*\{/, (m) => `${m}\n  imports: [${entry}],`);
}

/** Registers a model in the module's `OrmModule.forFeature([...])` (adding one if needed). */
export function registerModel(
  tree: Tree,
  modulePath: string,
  className: string,
  modelFile: string,
): void {
  let source = tree.readText(modulePath);
  const feature = /OrmModule\.forFeature\(\s*\[([^\]]*)\]/.exec(source);
  if (feature) {
    if (new RegExp(`\\b${className}\\b`).test(feature[1]!)) return;
    const items = feature[1]!.trim();
    source = source.replace(
      feature[0],
      `OrmModule.forFeature([${items ? `${items.replace(/,\s*$/, '')}, ` : ''}${className}]`,
    );
  } else {
    source = addModuleImport(source, `OrmModule.forFeature([${className}])`, modulePath);
  }
  source = ensureImport(source, 'OrmModule', 'nestjs-active-record');
  source = ensureImport(source, className, importPath(modulePath, modelFile));
  tree.overwrite(modulePath, source);
}

/** Adds a feature module to another module's imports. */
export function registerModule(
  tree: Tree,
  modulePath: string,
  className: string,
  moduleFile: string,
): void {
  let source = tree.readText(modulePath);
  if (new RegExp(`\\b${className}\\b`).test(source)) return;
  source = addModuleImport(source, className, modulePath);
  source = ensureImport(source, className, importPath(modulePath, moduleFile));
  tree.overwrite(modulePath, source);
}

import { SchematicsException, type Tree } from '@angular-devkit/schematics';
import { dirname, join } from 'node:path/posix';
import { relativeImport, type RenderContext } from './render';

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

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Adds `import { name } from 'source'` unless the file imports that name already. */
export function ensureImport(source: string, name: string, from: string): string {
  if (new RegExp(`import\\s*(type\\s*)?\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from`).test(source)) {
    return source;
  }
  const existing = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${escape(from)}['"];?`);
  const match = existing.exec(source);
  if (match) {
    const names = [...match[1]!.split(',').map((n) => n.trim()), name].filter(Boolean);
    return source.replace(match[0], `import { ${names.join(', ')} } from '${from}';`);
  }
  const lastImport = [...source.matchAll(/^import [\s\S]*?from\s*['"][^'"]+['"];?$/gm)].at(-1);
  const line = `import { ${name} } from '${from}';\n`;
  if (!lastImport) return line + source;
  const end = lastImport.index! + lastImport[0].length + 1;
  return source.slice(0, end) + line + source.slice(end);
}

/** The index of the bracket closing the one at `open` (strings and comments are not expected). */
function closingBracket(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') depth--;
    if (depth === 0) return i;
  }
  throw new SchematicsException('Unbalanced brackets');
}

/**
 * Appends an entry to the `key: [...]` list of the file's `@Module({...})`, one per line when
 * the list or the entry spans lines. Entries are written for an indentation of four spaces.
 */
export function addToModuleList(
  source: string,
  key: 'imports' | 'providers',
  entry: string,
  file: string,
): string {
  const decorator = /@Module\(\s*\{/.exec(source);
  if (!decorator) throw new SchematicsException(`${file} has no @Module({ … })`);
  const list = new RegExp(`\\b${key}\\s*:\\s*\\[`).exec(source.slice(decorator.index));
  if (!list) {
    const at = decorator.index + decorator[0].length;
    return `${source.slice(0, at)}\n  ${key}: [${entry}],${source.slice(at)}`;
  }
  const open = decorator.index + list.index + list[0].length - 1;
  const close = closingBracket(source, open);
  const inner = source.slice(open + 1, close);
  const items = inner.trim().replace(/,\s*$/, '');
  const multiline = inner.includes('\n') || entry.includes('\n');
  const updated = multiline
    ? `[\n${[items, entry]
        .filter(Boolean)
        .map((item) => `    ${item}`)
        .join(',\n')},\n  ]`
    : `[${[items, entry].filter(Boolean).join(', ')}]`;
  return source.slice(0, open) + updated + source.slice(close + 1);
}

/** Registers a model in the module's `OrmModule.forFeature([...])` (adding one if needed). */
export function registerModel(
  tree: Tree,
  modulePath: string,
  className: string,
  modelFile: string,
  context: RenderContext,
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
    source = addToModuleList(source, 'imports', `OrmModule.forFeature([${className}])`, modulePath);
  }
  source = ensureImport(source, 'OrmModule', 'nestjs-active-record');
  source = ensureImport(source, className, relativeImport(modulePath, modelFile, context));
  tree.overwrite(modulePath, source);
}

/** Adds a feature module to another module's imports. */
export function registerModule(
  tree: Tree,
  modulePath: string,
  className: string,
  moduleFile: string,
  context: RenderContext,
): void {
  let source = tree.readText(modulePath);
  if (new RegExp(`\\b${className}\\b`).test(source)) return;
  source = addToModuleList(source, 'imports', className, modulePath);
  source = ensureImport(source, className, relativeImport(modulePath, moduleFile, context));
  tree.overwrite(modulePath, source);
}

/** Lists a model in the CLI config's `models: [...]` (which `migration:generate` diffs). */
export function registerModelInConfig(
  tree: Tree,
  className: string,
  modelFile: string,
  context: RenderContext,
): void {
  const config = ['nest-ar.config.ts', 'nest-ar.config.mts', 'nest-ar.config.cts'].find((f) =>
    tree.exists(f),
  );
  if (!config) return;
  let source = tree.readText(config);
  const models = /models\s*:\s*\[([^\]]*)\]/.exec(source);
  if (!models || new RegExp(`\\b${className}\\b`).test(models[1]!)) return;
  const items = models[1]!.trim().replace(/,\s*$/, '');
  source = source.replace(models[0], `models: [${items ? `${items}, ` : ''}${className}]`);
  source = ensureImport(source, className, relativeImport(config, modelFile, context));
  tree.overwrite(config, source);
}

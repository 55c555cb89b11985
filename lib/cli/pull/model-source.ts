import { quote } from './column-mapping';
import type { ModelPlan, PlannedProperty, PullNote } from './model-plan';

const printWidth = 100;

/** How generated files import each other: `./film.model`, or `./film.model.js` in an ES module app. */
export interface SourceOptions {
  packageName: string;
  esModules: boolean;
}

function docComment(text: string, indent: string): string {
  const lines = text.replace(/\*\//g, '*\u2215').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

/** `@Decorator(args, { options })`, its options one per line when it is too long for `indent`. */
function decoratorCall(
  decorator: string,
  args: string[],
  options: Array<[string, string]>,
  indent: string,
): string {
  const pairs = options.map(([k, v]) => `${k}: ${v}`);
  const all = [...args];
  if (pairs.length) all.push(`{ ${pairs.join(', ')} }`);
  const call = `@${decorator}(${all.join(', ')})`;
  if (indent.length + call.length <= printWidth || !pairs.length) return call;
  const head = args.length ? `${args.join(', ')}, ` : '';
  return `@${decorator}(${head}{\n${pairs.map((p) => `${indent}  ${p},\n`).join('')}${indent}})`;
}

function propertySource(p: PlannedProperty): string {
  const comment = p.comment ? docComment(p.comment, '  ') : '';
  const declaration = `${p.property}!: ${p.tsType};`;
  const inline = `  ${decoratorCall(p.decorator, p.args, p.options, '')} ${declaration}`;
  if (inline.length <= printWidth) return comment + inline;
  return `${comment}  ${decoratorCall(p.decorator, p.args, p.options, '  ')}\n  ${declaration}`;
}

/** `prefix[a, b]suffix` on one line, or one item per line when it does not fit. */
function list(prefix: string, items: string[], suffix: string, close: string): string {
  if (items.length === 0) return `${prefix.trimEnd()}${close.trimStart()}${suffix}\n`;
  const line = `${prefix}${items.join(', ')}${close}${suffix}`;
  if (line.length <= printWidth) return `${line}\n`;
  return `${prefix.trimEnd()}\n${items.map((i) => `  ${i},\n`).join('')}${close.trimStart()}${suffix}\n`;
}

function importPath(fileName: string, options: SourceOptions): string {
  const base = `./${fileName.replace(/\.ts$/, '')}`;
  return options.esModules ? `${base}.js` : base;
}

/** The source of one model file. */
export function modelSource(
  plan: ModelPlan,
  fileOf: ReadonlyMap<string, string>,
  options: SourceOptions,
): string {
  const properties = [...plan.columns, ...plan.relations];
  const used = new Set<string>(['Model', 'Table', ...properties.map((p) => p.decorator)]);
  for (const decorator of plan.classDecorators) used.add(decorator.decorator);
  const code = [...properties, ...plan.classDecorators]
    .flatMap((p) => [...p.args, ...p.options.map(([, v]) => v)])
    .join(' ');
  if (/\bsql`/.test(code)) used.add('sql');
  const names = [...used].sort((a, b) => a.localeCompare(b));
  if (plan.columns.some((c) => /\bRange</.test(c.tsType))) names.push('type Range');
  if (plan.relations.length) names.push('type Rel');
  const related = [...new Set(plan.relations.flatMap((r) => r.refersTo))]
    .filter((c) => c !== plan.className)
    .sort();
  let source = list('import { ', names, ` from '${options.packageName}';`, ' }');
  for (const className of related) {
    source += `import { ${className} } from '${importPath(fileOf.get(className)!, options)}';\n`;
  }
  source += '\n';
  if (plan.comment) source += docComment(plan.comment, '');
  source += plan.tableNameNeeded ? `@Table(${quote(plan.table)})\n` : '@Table()\n';
  for (const d of plan.classDecorators) {
    source += `${decoratorCall(d.decorator, d.args, d.options, '')}\n`;
  }
  source += `export class ${plan.className} extends Model {\n`;
  source += plan.columns.map(propertySource).join('\n');
  if (plan.relations.length) source += `\n\n${plan.relations.map(propertySource).join('\n')}`;
  source += '\n}\n';
  return source;
}

/** The report of what was not mapped, as lines (console) and as the index file's comment. */
export function reportLines(notes: readonly PullNote[]): string[] {
  return notes.map((n) => `${n.object}: ${n.note}`);
}

/**
 * `index.ts`: every model exported, `models` for the connection's options, and, at the top,
 * what the pull could not map.
 */
export function indexSource(
  plans: readonly ModelPlan[],
  notes: readonly PullNote[],
  options: SourceOptions,
): string {
  let header = 'Models read from the database by `nest-ar db:pull`.';
  if (notes.length) {
    header += `\n\nNot mapped (what was done instead):\n${reportLines(notes)
      .map((l) => `- ${l}`)
      .join('\n')}`;
  }
  let source = docComment(header, '');
  source += plans
    .map((p) => `import { ${p.className} } from '${importPath(p.fileName, options)}';\n`)
    .join('');
  const classes = plans.map((p) => p.className);
  source += `\n${list('export { ', classes, ';', ' }')}`;
  source += `\n${list('export const models = [', classes, ';', ']')}`;
  return source;
}

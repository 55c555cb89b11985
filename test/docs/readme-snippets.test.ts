/**
 * Every ```ts block of README.md compiles on its own, as a file of a user's app would: each block
 * is a separate module of one TypeScript program, with its own imports. A block opened with
 * ```ts no-check is skipped — for a deliberate fragment only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const root = process.cwd();
const readmePath = join(root, 'README.md');

/** The fence info that exempts a block from the check. */
const NO_CHECK = 'no-check';

/**
 * The compiler options of an app made by `nest new` (nodenext, target ES2023, so class fields
 * have define semantics). Each block is checked in both kinds of app it makes: an ES module app
 * (`"type": "module"`, the default) and a CommonJS one.
 * `strictPropertyInitialization` stays on: the snippets compile with and without it.
 */
const appOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  resolvePackageJsonExports: true,
  target: ts.ScriptTarget.ES2023,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  isolatedModules: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  strict: true,
  types: ['node'],
  noEmit: true,
  // Stricter than an app: documentation imports and declares only what it uses.
  noUnusedLocals: true,
  // The package itself, from source (as tsconfig.json's `paths` does), not from dist/.
  paths: {
    'nestjs-active-record': [join(root, 'lib/index.ts')],
    'nestjs-active-record/testing': [join(root, 'lib/testing/index.ts')],
  },
};

interface Block {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  /** Width of the fence's indentation (a block inside a list item), stripped from the code. */
  indent: number;
  code: string;
  checked: boolean;
}

function tsBlocks(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*(\S*)\s*(.*?)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, info] = open;
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence);
    const body = lines.slice(i + 1, end === -1 ? lines.length : end);
    if (lang === 'ts' || lang === 'typescript') {
      blocks.push({
        line: i + 1,
        indent: indent.length,
        code: body.map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n'),
        checked: info !== NO_CHECK,
      });
    }
    i = end === -1 ? lines.length : end;
  }
  return blocks;
}

type AppKind = 'esm' | 'cjs';
const appKinds: AppKind[] = ['esm', 'cjs'];

/** The snippets are files of a virtual app of each kind, told apart by its package.json. */
const appDirOf = (kind: AppKind) => join(root, `readme-snippets-${kind}`);
const fileOf = (block: Block, kind: AppKind) =>
  join(appDirOf(kind), `readme-line-${block.line}.ts`);

function compile(blocks: Block[], kind: AppKind): Map<Block, readonly ts.Diagnostic[]> {
  const appDir = appDirOf(kind);
  const pkg = { name: 'app', private: true, ...(kind === 'esm' ? { type: 'module' } : {}) };
  const virtual = new Map<string, string>([
    [join(appDir, 'package.json'), JSON.stringify(pkg)],
    ...blocks.map((b): [string, string] => [fileOf(b, kind), b.code]),
  ]);
  const host = ts.createCompilerHost(appOptions, true);
  const { fileExists, readFile, getSourceFile, directoryExists, realpath } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.directoryExists = (d) => d === appDir || (directoryExists?.call(host, d) ?? true);
  host.realpath = (p) => (dirname(p) === appDir ? p : (realpath?.call(host, p) ?? p));
  host.getSourceFile = (f, language, ...rest) => {
    const text = virtual.get(f);
    return text === undefined
      ? getSourceFile.call(host, f, language, ...rest)
      : ts.createSourceFile(f, text, language, true);
  };
  const program = ts.createProgram({
    rootNames: blocks.map((b) => fileOf(b, kind)),
    options: appOptions,
    host,
  });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  return new Map(
    blocks.map((b) => {
      const file = program.getSourceFile(fileOf(b, kind))!;
      return [
        b,
        [
          ...global,
          ...program.getSyntacticDiagnostics(file),
          ...program.getSemanticDiagnostics(file),
        ],
      ];
    }),
  );
}

/** `README.md:LINE:COL TS1234 message`, lines counted in README.md. */
function located(block: Block, d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
  if (!d.file || d.start === undefined) return `README.md TS${d.code} ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `README.md:${block.line + 1 + line}:${block.indent + character + 1} TS${d.code} ${message}`;
}

/** A snippet that must not compile: proves the check sees the package's types and the scope. */
const broken: Block = {
  line: 0,
  indent: 0,
  checked: true,
  code: `import { Column, Model, PrimaryKey, Table } from 'nestjs-active-record';

@Table()
export class Note extends Model {
  @PrimaryKey() id!: number;
  @Column() body!: string;
}

export const notes = Note.where({ title: slugify('x') });
`,
};

const blocks = tsBlocks(readFileSync(readmePath, 'utf8'));
const checked = blocks.filter((b) => b.checked);
const results = new Map<AppKind, Map<Block, readonly ts.Diagnostic[]>>();

beforeAll(() => {
  for (const kind of appKinds) results.set(kind, compile([...checked, broken], kind));
});

describe('README.md ```ts blocks', () => {
  test('are found', () => {
    expect(checked.length).toBeGreaterThan(0);
  });

  test.each(appKinds)(
    'a broken snippet fails the check (%s app): an undeclared field, an undefined helper',
    (kind) => {
      expect(
        results
          .get(kind)!
          .get(broken)!
          .map((d) => d.code),
      ).toEqual([2353, 2304]);
    },
  );

  test.each(appKinds.flatMap((kind) => checked.map((b) => [b.line, kind, b] as const)))(
    'the block at README.md:%d compiles on its own (%s app)',
    (_line, kind, block) => {
      const problems = results
        .get(kind)!
        .get(block)!
        .map((d) => located(block, d));
      if (problems.length > 0) {
        throw new Error(
          `The \`\`\`ts block at README.md:${block.line} does not compile in a ${kind} app:\n  ${problems.join('\n  ')}`,
        );
      }
    },
  );
});

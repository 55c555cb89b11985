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
 * The compiler options of an app made by `nest new --strict` (its default, CommonJS template:
 * nodenext without `"type": "module"`; target ES2023, so class fields have define semantics).
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
  paths: { 'nestjs-active-record': [join(root, 'lib/index.ts')] },
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

/** The snippets are files of a virtual app; its package.json has no `type`, as `nest new` writes it. */
const appDir = join(root, 'readme-snippets');
const fileOf = (block: Block) => join(appDir, `readme-line-${block.line}.ts`);

function compile(blocks: Block[]): Map<Block, readonly ts.Diagnostic[]> {
  const virtual = new Map<string, string>([
    [join(appDir, 'package.json'), JSON.stringify({ name: 'app', private: true })],
    ...blocks.map((b): [string, string] => [fileOf(b), b.code]),
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
    rootNames: blocks.map(fileOf),
    options: appOptions,
    host,
  });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  return new Map(
    blocks.map((b) => {
      const file = program.getSourceFile(fileOf(b))!;
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
let results: Map<Block, readonly ts.Diagnostic[]>;

beforeAll(() => {
  results = compile([...checked, broken]);
});

describe('README.md ```ts blocks', () => {
  test('are found', () => {
    expect(checked.length).toBeGreaterThan(0);
  });

  test('a broken snippet fails the check: an undeclared field, an undefined helper', () => {
    expect(results.get(broken)!.map((d) => d.code)).toEqual([2353, 2304]);
  });

  test.each(checked.map((b) => [b.line, b] as const))(
    'the block at README.md:%d compiles on its own',
    (_line, block) => {
      const problems = results.get(block)!.map((d) => located(block, d));
      if (problems.length > 0) {
        throw new Error(
          `The \`\`\`ts block at README.md:${block.line} does not compile:\n  ${problems.join('\n  ')}`,
        );
      }
    },
  );
});

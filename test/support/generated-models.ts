import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = process.cwd();

/**
 * The compiler options of a CommonJS Nest app (what `nest new` sets up), stricter on unused
 * imports, with the package from source as tsconfig.json's `paths` has it.
 */
const appOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2023,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  strict: true,
  noUnusedLocals: true,
  types: ['node'],
  noEmit: true,
  paths: { 'nestjs-active-record': [join(root, 'lib/index.ts')] },
};

/** The type errors of the TypeScript files of a folder, as `file:line message` lines. */
export function typeErrors(folder: string): string[] {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
  const program = ts.createProgram({ rootNames: files, options: appOptions });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || d.file.fileName.startsWith(folder))
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (!d.file || d.start === undefined) return message;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${d.file.fileName.slice(folder.length + 1)}:${line + 1} ${message}`;
    });
}

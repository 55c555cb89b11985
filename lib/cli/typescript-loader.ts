import { register } from 'node:module';
import { resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Set when @swc-node/register or @swc/core could not load (e.g. no binary for this platform). */
let loaderFailure: Error | undefined;
let registered = false;

/**
 * Lets the app's TypeScript (config, models, migrations) load without a build step, compiled
 * as the app's tsconfig.json says — decorator metadata included, which the ORM reads for column
 * types. @swc-node/register does it: a require hook for CommonJS files, module hooks for ES
 * modules (`.js` specifiers that name `.ts` files); both run before Node's own type stripping,
 * which rejects decorators.
 *
 * @example
 * registerTypeScript();
 * await import(resolve('nest-ar.config.ts'));
 */
export function registerTypeScript(): void {
  if (registered) return;
  registered = true;
  // With RUST_BACKTRACE set, swc appends its own Rust stack to every syntax error.
  process.env.RUST_LIB_BACKTRACE ??= '0';
  // Stack traces then point at the app's TypeScript lines, not at the compiled ones.
  process.setSourceMapsEnabled(true);
  try {
    // Required here rather than imported: `generate` and `--help` never load swc's native binary.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swc = require('@swc-node/register/register') as {
      register(): void;
    };
    swc.register();
    register('@swc-node/register/esm', pathToFileURL(__filename));
  } catch (error) {
    loaderFailure = error as Error;
  }
}

const typeScriptFile = /\.[cm]?tsx?$/;

/** Why TypeScript cannot load here, with what to do, or undefined when it can. */
export function typeScriptUnavailable(file: string): string | undefined {
  if (!loaderFailure || !typeScriptFile.test(file)) return undefined;
  return (
    `Cannot load ${file}: TypeScript files load through @swc-node/register and @swc/core, ` +
    `which failed to start (${firstLine(loaderFailure.message)}). Reinstall the app's ` +
    `dependencies (npm install) so that @swc/core's binary for this platform is present, or ` +
    `build the app and point the config and migrations at the compiled .js files.`
  );
}

/**
 * The message for a file that failed to load: the cause (which names the broken file: swc's
 * syntax errors show it with the line) and what to do about it.
 */
export function describeLoadFailure(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  let advice: string;
  if (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot be resolved|Cannot find module/.test(message)
  ) {
    advice =
      'Check the import path. In an ES module app ("type": "module"), relative imports name ' +
      "the compiled file (import { Author } from './author.model.js' for author.model.ts); in " +
      'a CommonJS app they have no extension.';
  } else if (error instanceof SyntaxError || /Syntax Error/.test(message)) {
    advice =
      'Fix the syntax error at the place shown. TypeScript files are compiled with the ' +
      "settings of the app's tsconfig.json.";
  } else {
    advice =
      'Fix the error above in that file (or in a file it imports), then run the command again.';
  }
  const cause = message.replace(/\n{3,}/g, '\n\n').trimEnd();
  const where = failedAt(error);
  const at = where && !message.includes(where) ? `\n    at ${where}` : '';
  return `Cannot load ${file}:\n${cause}${at}\n${advice}`;
}

/** This package's compiled code (dist/), or its source when run from lib/. */
const ownCode = resolve(__dirname, '..') + sep;

/** The app file (path:line:column) where an error was thrown, from its stack. */
function failedAt(error: unknown): string | undefined {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const [, location] of stack.matchAll(
    /^\s+at (?:.*\()?(?:file:\/\/)?(\/[^()\s]+:\d+:\d+)\)?$/gm,
  )) {
    if (!location!.includes('/node_modules/') && !location!.startsWith(ownCode)) return location;
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

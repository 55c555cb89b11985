import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Prettier {
  format(source: string, options: Record<string, unknown>): Promise<string> | string;
  resolveConfig(file: string): Promise<Record<string, unknown> | null>;
}

const loaded = new Map<string, Promise<Prettier | undefined>>();

/** The app's Prettier (resolved from the folder the file goes to), when it has one. */
function prettierFor(file: string): Promise<Prettier | undefined> {
  const folder = dirname(file);
  let prettier = loaded.get(folder);
  if (!prettier) {
    prettier = (async () => {
      try {
        const path = createRequire(join(folder, 'noop.js')).resolve('prettier');
        const module = (await import(pathToFileURL(path).href)) as Prettier & {
          default?: Prettier;
        };
        return typeof module.format === 'function' ? module : module.default;
      } catch {
        return undefined;
      }
    })();
    loaded.set(folder, prettier);
  }
  return prettier;
}

/**
 * Formats a generated file as the app formats its code: with its Prettier and its Prettier
 * configuration when it has them. The generator already writes that style (single quotes,
 * trailing commas, lines of 100), so without Prettier the file is left as generated.
 */
export async function formatSource(file: string, source: string): Promise<string> {
  const prettier = await prettierFor(file);
  if (!prettier) return source;
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(source, { ...config, filepath: file });
}

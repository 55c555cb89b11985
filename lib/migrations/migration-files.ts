import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Migration, type MigrationSource } from './migration';
import { checksumOf, formOfFile } from './migration-checksum';

/** `20260124103000_create_posts.ts`: a 14-digit timestamp, then a name. */
const migrationFile = /^(\d{14}_[A-Za-z0-9_]+)\.(ts|js|mjs|cjs)$/;

/** The migration class a module exports (default export first). */
function migrationClassOf(module: Record<string, unknown>, file: string): new () => Migration {
  // import() of a CommonJS module (a CommonJS app's compiled migration) gives its whole
  // `exports` as `default`: `export default class` is then `default.default`.
  const exported = (typeof module.default === 'object' && module.default) || {};
  const candidates = [
    module.default,
    (exported as Record<string, unknown>).default,
    ...Object.values(module),
    ...Object.values(exported),
  ];
  const found = candidates.find(
    (c): c is new () => Migration =>
      typeof c === 'function' &&
      (c.prototype instanceof Migration ||
        (typeof c.prototype?.up === 'function' && typeof c.prototype?.down === 'function')),
  );
  if (!found) throw new TypeError(`${file} exports no migration class (with up and down)`);
  return found;
}

/** Why a migration file did not load, naming it, with what to do for TypeScript. */
function loadFailure(path: string, error: unknown): string {
  const reason = (error as Error)?.message ?? String(error);
  const typeScript = /\.[mc]?ts$/.test(path)
    ? ' TypeScript migrations load through `npx nest-ar` (which compiles them) or on Node 22.18+' +
      ' (which strips their types); a built app applies the compiled .js files (keep migrations' +
      ' where the build compiles them, e.g. src/migrations).'
    : '';
  return `Could not load the migration ${path}: ${reason}.${typeScript}`;
}

/**
 * The migrations of a folder, by file name; checksums are of the file's text. `.d.ts` and
 * other files are ignored.
 */
export async function migrationsIn(directory: string): Promise<MigrationSource[]> {
  const folder = resolve(directory);
  let files: string[];
  try {
    files = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const sources: MigrationSource[] = [];
  for (const file of files.sort()) {
    const match = migrationFile.exec(file);
    if (!match || file.endsWith('.d.ts')) continue;
    const path = join(folder, file);
    const text = await readFile(path, 'utf8');
    sources.push({
      name: match[1]!,
      checksum: checksumOf(text, formOfFile(file)),
      load: async () => {
        let module: Record<string, unknown>;
        try {
          module = (await import(path)) as Record<string, unknown>;
        } catch (error) {
          throw new TypeError(loadFailure(path, error), { cause: error });
        }
        const MigrationClass = migrationClassOf(module, file);
        return new MigrationClass();
      },
    });
  }
  return sources;
}

/** Migrations given as classes (no files); checksums are of their source text. */
export function migrationsOf(
  migrations: Readonly<Record<string, new () => Migration>>,
): MigrationSource[] {
  return Object.entries(migrations).map(([name, MigrationClass]) => ({
    name,
    checksum: checksumOf(MigrationClass.toString(), 'class'),
    load: async () => new MigrationClass(),
  }));
}

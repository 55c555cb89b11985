import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Orm } from '../connection/orm';
import { normalizeDeclared } from './declared-definitions';
import { introspectSchema } from './introspection';
import { migrationsIn } from './migration-files';
import { MigrationRunner, type MigrationStatus } from './migration-runner';
import { schemaOfModels } from './model-schema';
import { lintStatements } from './safety-lint';
import { diffSchemas, migrationSource, upStatements } from './schema-diff';

/** Where migrations live and how they run. */
export interface MigrationsOptions {
  /** Folder of migration files (default `migrations`, from the working directory). */
  directory?: string;
  /** Table recording applied migrations (default `schema_migrations`). */
  table?: string;
  /** Proceed despite safety-lint warnings. */
  unsafe?: boolean;
  /** A progress line per migration. */
  log?: (line: string) => void;
}

/** What `generate` wrote (nothing when the database already matches the models). */
export interface GeneratedMigration {
  /** The first file written. */
  file?: string;
  /**
   * Every file written: the migration, and after it one that is not transactional when indexes
   * of existing tables are built or dropped concurrently.
   */
  files: string[];
  warnings: string[];
  notes: string[];
}

/** `20260124103000` in UTC. */
function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * The timestamp of a new migration: now, or one second after the latest one in the folder, so
 * that migrations written within one second (or with a clock behind) still run in the order
 * they were written.
 */
async function nextTimestamp(directory: string): Promise<string> {
  const latest = (await readdir(directory))
    .map((file) => /^(\d{14})_/.exec(file)?.[1])
    .filter((stamp): stamp is string => !!stamp)
    .sort()
    .at(-1);
  const now = new Date();
  if (!latest || timestamp(now) > latest) return timestamp(now);
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(latest)!;
  return timestamp(new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s! + 1)));
}

function words(name: string): string[] {
  const found = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  if (found.length === 0) throw new TypeError(`Not a migration name: ${JSON.stringify(name)}`);
  return found;
}

/**
 * Generates, creates, applies and reverts the migrations of a folder for a connection — what
 * the `nest-ar` commands call.
 *
 * @example
 * await new Migrator(orm, { directory: 'migrations' }).migrate();
 */
export class Migrator {
  private readonly directory: string;

  constructor(
    private readonly orm: Orm,
    private readonly options: MigrationsOptions = {},
  ) {
    this.directory = resolve(options.directory ?? 'migrations');
  }

  /** Diffs the live database against the models and writes a migration for the difference. */
  async generate(name: string): Promise<GeneratedMigration> {
    const table = this.options.table ?? 'schema_migrations';
    const metas = this.orm.models.map((m) => this.orm.metaOf(m)!);
    const current = await introspectSchema(this.orm, [table]);
    const desired = schemaOfModels(metas);
    await normalizeDeclared(this.orm, current, desired);
    const diff = diffSchemas(current, desired);
    const concurrent = diff.concurrent ?? { up: [], down: [] };
    if (diff.up.length === 0 && concurrent.up.length === 0) {
      return { files: [], warnings: [], notes: diff.notes };
    }
    const warnings = lintStatements([...upStatements(diff), ...upStatements(concurrent)], metas);
    const files: string[] = [];
    if (diff.up.length > 0) {
      files.push(await this.write(name, migrationSource(this.className(name), diff)));
    }
    if (concurrent.up.length > 0) {
      const indexesName = files.length ? `${name}Indexes` : name;
      const notes = files.length ? [] : diff.notes;
      files.push(
        await this.write(
          indexesName,
          migrationSource(
            this.className(indexesName),
            { ...concurrent, notes },
            {
              transactional: false,
            },
          ),
        ),
      );
    }
    return { file: files[0], files, warnings, notes: diff.notes };
  }

  /** Writes an empty migration to fill in. */
  create(name: string): Promise<string> {
    return this.write(name, migrationSource(this.className(name), { up: [], down: [], notes: [] }));
  }

  async migrate(): Promise<string[]> {
    return (await this.runner()).migrate();
  }

  async rollback(steps = 1): Promise<string[]> {
    return (await this.runner()).rollback(steps);
  }

  async status(): Promise<MigrationStatus[]> {
    return (await this.runner()).status();
  }

  private async runner(): Promise<MigrationRunner> {
    return new MigrationRunner(this.orm, await migrationsIn(this.directory), this.options);
  }

  private className(name: string): string {
    return words(name)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('');
  }

  private async write(name: string, source: string): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const file = join(
      this.directory,
      `${await nextTimestamp(this.directory)}_${words(name)
        .map((w) => w.toLowerCase())
        .join('_')}.ts`,
    );
    await writeFile(file, source, { flag: 'wx' });
    return file;
  }
}

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Orm } from '../../connection/orm';
import { ModelFileExistsError, UnknownTableError } from '../../errors/pull-errors';
import { introspectSchema } from '../../migrations/introspection';
import { catalogNotes } from './catalog-notes';
import { formatSource } from './format-source';
import type { PullNote } from './model-plan';
import { indexSource, modelSource, type SourceOptions } from './model-source';
import { readSchemaCatalog } from './schema-catalog';
import { planSchema } from './schema-plan';

/**
 * Options of `pullModels` (`nest-ar db:pull`).
 *
 * @example
 * await pullModels(orm, { out: 'src/models', tables: ['film', 'actor', 'film_actor'] });
 */
export interface PullOptions {
  /** Folder of the model files (default `src/models`, from the working directory). */
  out?: string;
  /** Overwrite files that exist (else nothing is written when one does). */
  force?: boolean;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
  /** Only these tables (their join tables included when both sides are listed). */
  tables?: readonly string[];
  /** Tables never pulled (the migrations table). */
  ignore?: readonly string[];
  /** The package the models import (default `nestjs-active-record`). */
  packageName?: string;
  /** Relative imports end in `.js` (an ES module app). */
  esModules?: boolean;
}

/** The files of a pull (written unless it was a dry run) and what could not be mapped. */
export interface PullResult {
  files: Array<{ path: string; source: string }>;
  notes: PullNote[];
  /** Join tables mapped as `@ManyToMany` only, without a model of their own. */
  joinTables: string[];
}

/**
 * Reads the current schema and writes a model file per table, plus `index.ts` exporting them
 * (with `models`, for the connection) and listing what could not be mapped.
 */
export async function pullModels(orm: Orm, options: PullOptions = {}): Promise<PullResult> {
  const schema = await introspectSchema(orm, options.ignore ?? []);
  const catalog = await readSchemaCatalog(orm);
  if (options.tables) {
    const missing = options.tables.filter((t) => !schema.tables.has(t));
    if (missing.length) throw new UnknownTableError(missing, [...schema.tables.keys()].sort());
  }
  const plan = planSchema(schema, catalog, options.tables);
  const modelled = new Set([...plan.models.map((m) => m.table), ...plan.joinTables]);
  const notes = [...plan.notes, ...catalogNotes(catalog, modelled)];
  const out = resolve(options.out ?? 'src/models');
  const sourceOptions: SourceOptions = {
    packageName: options.packageName ?? 'nestjs-active-record',
    esModules: options.esModules ?? false,
  };
  const fileOf = new Map(plan.models.map((m) => [m.className, m.fileName]));
  const files = plan.models.map((model) => ({
    path: join(out, model.fileName),
    source: modelSource(model, fileOf, sourceOptions),
  }));
  files.push({
    path: join(out, 'index.ts'),
    source: indexSource(plan.models, notes, sourceOptions),
  });
  for (const file of files) file.source = await formatSource(file.path, file.source);
  if (!options.dryRun) {
    const existing = files.filter((f) => existsSync(f.path)).map((f) => f.path);
    if (existing.length && !options.force) throw new ModelFileExistsError(existing);
    await mkdir(out, { recursive: true });
    for (const file of files) await writeFile(file.path, file.source);
  }
  return { files, notes, joinTables: plan.joinTables };
}

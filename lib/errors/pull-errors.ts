import { OrmError } from './orm-error';

/**
 * `nest-ar db:pull` would overwrite model files that exist; nothing was written. `--force`
 * overwrites them.
 */
export class ModelFileExistsError extends OrmError {
  constructor(readonly files: readonly string[]) {
    super(
      'MODEL_FILE_EXISTS',
      `These files exist and were left alone (nothing was written):\n- ${files.join('\n- ')}\n` +
        `Run again with --force to overwrite them, or choose another folder with --out`,
    );
  }
}

/** `nest-ar db:pull --tables` named tables the current schema does not have; nothing was written. */
export class UnknownTableError extends OrmError {
  constructor(
    readonly tables: readonly string[],
    readonly available: readonly string[],
  ) {
    super(
      'UNKNOWN_TABLE',
      `No table ${tables.map((t) => `"${t}"`).join(', ')} in the current schema. ` +
        `Its tables are: ${available.join(', ') || '(none)'}`,
    );
  }
}

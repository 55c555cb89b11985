import { OrmError } from '../errors/orm-error';

/** A migration failed (and was rolled back when transactional); the run stopped there. */
export class MigrationError extends OrmError {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(
      'MIGRATION_FAILED',
      `Migration ${migration} failed and was rolled back: ${(cause as Error)?.message ?? String(cause)}`,
    );
    (this as { cause?: unknown }).cause = cause;
  }
}

/** An applied migration's source changed since it ran: the database no longer matches it. */
export class MigrationChecksumError extends OrmError {
  constructor(readonly migrations: readonly string[]) {
    super(
      'MIGRATION_CHANGED',
      `Applied migration(s) ${migrations.join(', ')} were edited after they ran. Restore the ` +
        `original file(s) and put the change in a new migration`,
    );
  }
}

/** The safety lint found changes that lock or rewrite tables; `unsafe` proceeds anyway. */
export class MigrationSafetyError extends OrmError {
  constructor(
    readonly migration: string,
    readonly warnings: readonly string[],
  ) {
    super(
      'MIGRATION_UNSAFE',
      `Migration ${migration} has unsafe changes:\n- ${warnings.join('\n- ')}\n` +
        `Apply the safer recipe, or run with --unsafe (unsafe: true) to proceed`,
    );
  }
}

/**
 * The migrations lock could not be kept: the session holding it was lost during the run (the
 * run stopped before the next migration, since another instance may now be migrating), or it
 * was not held when it was to be released.
 */
export class MigrationLockError extends OrmError {
  constructor(message: string, cause?: unknown) {
    super('MIGRATION_LOCK_LOST', message);
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

import type { Statement } from '../context/connection';
import type { Orm } from '../connection/orm';
import { quoteIdentifier } from '../sql/quote-identifier';
import { MigrationChecksumError, MigrationError, MigrationSafetyError } from './migration-errors';
import type { MigrationSource } from './migration';
import { dropInvalidIndexBefore } from './invalid-index-recovery';
import { checksumMatches } from './migration-checksum';
import { lintStatements } from './safety-lint';
import { SchemaBuilder } from './schema-builder';
import { withMigrationsLock, type MigrationStatementRunner } from './migrations-lock';

/** One migration's state, for `migrate:status`. */
export interface MigrationStatus {
  name: string;
  applied: boolean;
  appliedAt?: Date;
  /** Applied, but its source changed since. */
  changed: boolean;
}

export interface MigrationRunnerOptions {
  /** Name of the table recording applied migrations (default `schema_migrations`). */
  table?: string;
  /** Proceed despite safety-lint warnings. */
  unsafe?: boolean;
  /** Receives a progress line per migration. */
  log?: (line: string) => void;
}

/**
 * Applies and rolls back migrations: pending ones in name order, each in its own transaction
 * (unless it says otherwise), recorded with a checksum; all under a PostgreSQL advisory lock
 * (`migrations-lock.ts`), so replicas starting together apply each migration exactly once.
 *
 * @example
 * await new MigrationRunner(orm, await migrationsIn('migrations')).migrate();
 */
export class MigrationRunner {
  private readonly table: string;

  constructor(
    private readonly orm: Orm,
    private readonly sources: readonly MigrationSource[],
    private readonly options: MigrationRunnerOptions = {},
  ) {
    this.table = quoteIdentifier(options.table ?? 'schema_migrations');
    const names = new Set<string>();
    for (const source of sources) {
      if (names.has(source.name)) throw new TypeError(`Two migrations are named ${source.name}`);
      names.add(source.name);
    }
  }

  /** Applies the pending migrations; resolves to their names. */
  migrate(): Promise<string[]> {
    return withMigrationsLock(this.orm, async ({ run, assertLockHeld }) => {
      const applied = await this.applied(run);
      this.checkChecksums(applied);
      const pending = [...this.sources]
        .filter((s) => !applied.has(s.name))
        .sort((a, b) => a.name.localeCompare(b.name));
      const done: string[] = [];
      for (const source of pending) {
        const migration = await source.load();
        const schema = new SchemaBuilder();
        await migration.up(schema);
        const warnings = lintStatements(schema.statements, this.models());
        if (warnings.length && !this.options.unsafe) {
          throw new MigrationSafetyError(source.name, warnings);
        }
        await assertLockHeld();
        const started = performance.now();
        await this.apply(run, source.name, migration.transactional, schema.statements, {
          text: `INSERT INTO ${this.table} (name, checksum, applied_at) VALUES ($1, $2, now())`,
          values: [source.name, source.checksum],
        });
        this.options.log?.(
          `migrated ${source.name} (${Math.round(performance.now() - started)} ms)`,
        );
        done.push(source.name);
      }
      return done;
    });
  }

  /** Reverts the last `steps` applied migrations, newest first; resolves to their names. */
  rollback(steps = 1): Promise<string[]> {
    return withMigrationsLock(this.orm, async ({ run, assertLockHeld }) => {
      const applied = await this.applied(run);
      const names = [...applied.keys()].sort((a, b) => b.localeCompare(a)).slice(0, steps);
      const done: string[] = [];
      for (const name of names) {
        const source = this.sources.find((s) => s.name === name);
        if (!source) throw new MigrationError(name, new Error('its file is missing'));
        const migration = await source.load();
        const schema = new SchemaBuilder();
        await migration.down(schema);
        await assertLockHeld();
        const started = performance.now();
        await this.apply(run, name, migration.transactional, schema.statements, {
          text: `DELETE FROM ${this.table} WHERE name = $1`,
          values: [name],
        });
        this.options.log?.(`rolled back ${name} (${Math.round(performance.now() - started)} ms)`);
        done.push(name);
      }
      return done;
    });
  }

  /** Every known migration with whether (and when) it ran, and whether it changed since. */
  status(): Promise<MigrationStatus[]> {
    return withMigrationsLock(this.orm, async ({ run }) => {
      const applied = await this.applied(run);
      return [...this.sources]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((s) => {
          const row = applied.get(s.name);
          return {
            name: s.name,
            applied: !!row,
            appliedAt: row?.appliedAt,
            changed: !!row && !checksumMatches(row.checksum, s.checksum),
          };
        });
    });
  }

  private models() {
    return this.orm.models.map((m) => this.orm.metaOf(m)!);
  }

  private checkChecksums(applied: ReadonlyMap<string, { checksum: string }>): void {
    const changed = this.sources
      .filter(
        (s) => applied.has(s.name) && !checksumMatches(applied.get(s.name)!.checksum, s.checksum),
      )
      .map((s) => s.name);
    if (changed.length) throw new MigrationChecksumError(changed);
  }

  private async applied(
    run: MigrationStatementRunner,
  ): Promise<Map<string, { checksum: string; appliedAt: Date }>> {
    await run({
      text: `CREATE TABLE IF NOT EXISTS ${this.table} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL)`,
      values: [],
    });
    const rows = await run({
      text: `SELECT name, checksum, applied_at FROM ${this.table}`,
      values: [],
    });
    return new Map(
      rows.map((r) => [
        r.name as string,
        { checksum: r.checksum as string, appliedAt: new Date(r.applied_at as string) },
      ]),
    );
  }

  /** Runs one migration's statements and its bookkeeping, in a transaction unless told not to. */
  private async apply(
    run: MigrationStatementRunner,
    name: string,
    transactional: boolean,
    statements: readonly string[],
    record: Statement,
  ): Promise<void> {
    try {
      if (transactional) await run({ text: 'BEGIN', values: [] });
      for (const text of statements) {
        if (!transactional) await dropInvalidIndexBefore(text, run);
        await run({ text, values: [] });
      }
      await run(record);
      if (transactional) await run({ text: 'COMMIT', values: [] });
    } catch (error) {
      if (transactional) await run({ text: 'ROLLBACK', values: [] }).catch(() => undefined);
      throw new MigrationError(name, error);
    }
  }
}

import type { ModelMeta } from '../metadata/model-meta';

/**
 * Warnings, each with the safer recipe, about statements that lock or rewrite an existing
 * table. Reads the statements the schema builder writes; tables created by the same migration
 * are new and empty, so they are exempt.
 */
export function lintStatements(
  statements: readonly string[],
  models: readonly ModelMeta[] = [],
): string[] {
  const created = new Set<string>();
  const warnings: string[] = [];
  for (const statement of statements) {
    const create = /^CREATE TABLE "((?:[^"]|"")+)"/.exec(statement);
    if (create) {
      created.add(create[1]!);
      continue;
    }
    const index =
      /^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?"(?:[^"]|"")+" ON "((?:[^"]|"")+)"/.exec(
        statement,
      );
    if (index && !index[1] && !created.has(index[2]!)) {
      warnings.push(
        `${statement}: building an index locks writes to "${index[2]}" for the whole build; ` +
          `use createIndex(…, { concurrently: true }) in a migration with transactional = false`,
      );
    }
    const alter = /^ALTER TABLE "((?:[^"]|"")+)" (.*)$/s.exec(statement);
    if (!alter || created.has(alter[1]!)) continue;
    const [, table, actions] = alter as unknown as [string, string, string];
    for (const action of actions.split(/, (?=ADD |DROP |ALTER |RENAME )/)) {
      if (/^ADD COLUMN .* NOT NULL/.test(action) && !/ DEFAULT /.test(action)) {
        warnings.push(
          `"${table}": ${action} fails on existing rows (or rewrites the table); add it nullable, ` +
            `backfill, then set NOT NULL — or give it a DEFAULT`,
        );
      }
      if (/^ALTER COLUMN .* TYPE /.test(action)) {
        warnings.push(
          `"${table}": ${action} rewrites the table under an exclusive lock; add a new column, ` +
            `backfill in batches, then switch over`,
        );
      }
      if (
        /(^ADD (CONSTRAINT "[^"]+" )?FOREIGN KEY|REFERENCES )/.test(action) &&
        !/NOT VALID/.test(action)
      ) {
        warnings.push(
          `"${table}": ${action} scans the table while blocking writes; add the foreign key with ` +
            `notValid: true, then VALIDATE CONSTRAINT in a later migration`,
        );
      }
      if (/^ADD CONSTRAINT "(?:[^"]|"")+" CHECK /.test(action) && !/ NOT VALID$/.test(action)) {
        warnings.push(
          `"${table}": ${action} scans the table while blocking writes; add the check with ` +
            `notValid: true, then validateCheck() in a migration with transactional = false`,
        );
      }
      const drop = /^DROP COLUMN "((?:[^"]|"")+)"/.exec(action);
      if (drop) {
        const mapped = models.find(
          (m) => m.tableName === table && m.columns.some((c) => c.name === drop[1]),
        );
        if (mapped) {
          warnings.push(
            `"${table}": dropping "${drop[1]}" while ${mapped.className} still maps it breaks ` +
              `running app instances; remove it from the model and deploy first, drop it after`,
          );
        }
      }
    }
  }
  return warnings;
}

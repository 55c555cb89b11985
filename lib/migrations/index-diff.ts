import { indexKeysOf } from './declared-definitions';
import { objectCode, str, type Step } from './migration-step';
import type { IndexKey, IndexOptions } from './schema-builder';
import type { CheckSpec, IndexSpec, SchemaSpec, TableSpec } from './schema-spec';

/**
 * What the models' indexes and checks need. Steps on new tables go in the migration that
 * creates them; indexes of existing tables are built and dropped CONCURRENTLY, which cannot run
 * in a transaction, so they form a migration of their own (`concurrentUp`/`concurrentDown`),
 * which also validates the checks added NOT VALID to existing tables.
 */
export interface IndexDiff {
  up: Step[];
  down: Step[];
  concurrentUp: Step[];
  concurrentDown: Step[];
  notes: string[];
}

const keyCode = (key: IndexKey) => (typeof key === 'string' ? str(key) : objectCode(key));

function createIndexStep(table: string, index: IndexSpec, concurrently: boolean): Step {
  const keys = indexKeysOf(index);
  const options: IndexOptions = {
    name: index.name,
    unique: index.unique || undefined,
    using: index.method === 'btree' ? undefined : (index.method as IndexOptions['using']),
    where: index.where,
    concurrently: concurrently || undefined,
  };
  return {
    code: `    schema.createIndex(${str(table)}, [${keys.map(keyCode).join(', ')}], ${objectCode({ ...options })});`,
    apply: (s) => s.createIndex(table, keys, options),
  };
}

function dropIndexStep(name: string): Step {
  return {
    code: `    schema.dropIndex(${str(name)}, { concurrently: true });`,
    apply: (s) => s.dropIndex(name, { concurrently: true }),
  };
}

function addCheckStep(table: string, check: CheckSpec, notValid = false): Step {
  const options = notValid ? ', { notValid: true }' : '';
  return {
    code: `    schema.addCheck(${str(table)}, ${str(check.name)}, ${str(check.expression)}${options});`,
    apply: (s) => s.addCheck(table, check.name, check.expression, { notValid }),
  };
}

function validateCheckStep(table: string, name: string): Step {
  return {
    code: `    schema.validateCheck(${str(table)}, ${str(name)});`,
    apply: (s) => s.validateCheck(table, name),
  };
}

function dropCheckStep(table: string, name: string): Step {
  return {
    code: `    schema.dropCheck(${str(table)}, ${str(name)});`,
    apply: (s) => s.dropCheck(table, name),
  };
}

/** Indexes the database has that a unique column of the models accounts for. */
function servesUniqueColumn(table: TableSpec, index: IndexSpec): boolean {
  return table.uniques.some(
    (u) =>
      u.name === index.name ||
      (index.unique && !index.where && u.columns.join() === index.columns.join()),
  );
}

function diffExistingTable(table: TableSpec, existing: TableSpec, diff: IndexDiff): void {
  for (const index of table.indexes) {
    const found = existing.indexes.find((i) => i.name === index.name);
    if (!found && existing.uniques.some((u) => u.name === index.name)) {
      // A unique constraint owns an index of that name: building one would clash with it.
      diff.notes.push(
        `"${index.name}" on "${table.name}" is a unique constraint in the database, not an ` +
          `index: rename the declaration, or drop the constraint in a migration of your own`,
      );
      continue;
    }
    if (found && found.valid && index.definition !== undefined) {
      if (found.definition === index.definition) continue;
    }
    if (found) {
      if (!found.valid) {
        diff.notes.push(
          `index "${index.name}" on "${table.name}" is INVALID (a concurrent build failed): it is dropped and built again`,
        );
      }
      diff.concurrentUp.push(dropIndexStep(found.name));
    }
    diff.concurrentUp.push(createIndexStep(table.name, index, true));
    if (found?.valid) diff.concurrentDown.unshift(createIndexStep(table.name, found, true));
    diff.concurrentDown.unshift(dropIndexStep(index.name));
  }
  const droppedColumns = existing.columns
    .filter((e) => !table.columns.some((c) => c.name === e.name))
    .map((c) => c.name);
  for (const index of existing.indexes) {
    if (table.indexes.some((i) => i.name === index.name) || servesUniqueColumn(table, index))
      continue;
    // Dropping a column drops its indexes with it.
    if (index.keys.some((k) => k.column && droppedColumns.includes(k.column))) continue;
    diff.notes.push(
      `index "${index.name}" on "${table.name}" is declared by no model: it is kept; declare it ` +
        `with @Index() on the model, or drop it in a migration of your own`,
    );
  }
  for (const check of table.checks) {
    const found = existing.checks.find((c) => c.name === check.name);
    if (found && check.definition !== undefined && found.definition === check.definition) continue;
    if (found) diff.up.push(dropCheckStep(table.name, found.name));
    // Added without scanning the rows under the table's lock; validated after the commit, when
    // the scan blocks no writes. A check whose validation failed stays NOT VALID, which the
    // next generate sees as a different definition, and replaces.
    diff.up.push(addCheckStep(table.name, check, true));
    diff.concurrentUp.push(validateCheckStep(table.name, check.name));
    if (found) diff.down.unshift(addCheckStep(table.name, found));
    diff.down.unshift(dropCheckStep(table.name, check.name));
  }
  for (const check of existing.checks) {
    if (table.checks.some((c) => c.name === check.name)) continue;
    if (!check.declared) {
      diff.notes.push(
        `check "${check.name}" on "${table.name}" is declared by no model: it is kept; declare ` +
          `it with @Check() on the model, or drop it in a migration of your own`,
      );
      continue;
    }
    diff.up.push(dropCheckStep(table.name, check.name));
    diff.down.unshift(addCheckStep(table.name, check));
  }
}

/**
 * Creates, replaces (definition changed: drop, then create) and drops the indexes and checks
 * the models declare. Definitions compare as PostgreSQL spells them (see normalizeDeclared).
 * Indexes no model declares are reported and kept; a check no model declares any more is
 * dropped only when a generated migration created it, else reported.
 */
export function diffIndexes(current: SchemaSpec, desired: SchemaSpec): IndexDiff {
  const diff: IndexDiff = { up: [], down: [], concurrentUp: [], concurrentDown: [], notes: [] };
  for (const table of desired.tables.values()) {
    const existing = current.tables.get(table.name);
    if (existing) {
      diffExistingTable(table, existing, diff);
      continue;
    }
    // A new table is empty: its indexes are built plainly, in the transaction creating it.
    for (const index of table.indexes) diff.up.push(createIndexStep(table.name, index, false));
    for (const check of table.checks) diff.up.push(addCheckStep(table.name, check));
  }
  return diff;
}

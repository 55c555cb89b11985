import {
  SchemaBuilder,
  type AlterTableBuilder,
  type ColumnBuilder,
  type CreateTableBuilder,
} from './schema-builder';
import { diffIndexes } from './index-diff';
import { str, type Step } from './migration-step';
import type { ColumnSpec, ForeignKeySpec, SchemaSpec, TableSpec } from './schema-spec';

/** The generated `up` and `down`, as code and as SQL (for the safety lint), plus notes. */
export interface SchemaDiff {
  up: Step[];
  down: Step[];
  /** Things a person must decide, written as comments into the migration too. */
  notes: string[];
  /** Index builds and drops on existing tables: a migration of their own, not transactional. */
  concurrent?: { up: Step[]; down: Step[] };
}

function columnCode(column: ColumnSpec, fk?: ForeignKeySpec): string {
  let code = `t.add(${str(column.name)}, ${str(column.type)})`;
  if (column.identity) code += '.generated()';
  if (!column.nullable && !column.identity) code += '.notNull()';
  if (column.default !== undefined) code += `.default({ sql: ${str(column.default)} })`;
  if (fk) {
    code += `.references(${str(fk.table)}, ${str(fk.refColumns[0]!)})`;
    if (fk.onDelete) code += `.onDelete(${str(fk.onDelete.toLowerCase())})`;
  }
  return code;
}

/** A table-level foreign key (several columns, or one added to an existing column), as code. */
function foreignKeyCode(fk: ForeignKeySpec): string {
  const list = (names: string[]) => (names.length === 1 ? str(names[0]!) : JSON.stringify(names));
  const onDelete = fk.onDelete ? `, onDelete: ${str(fk.onDelete.toLowerCase())}` : '';
  return `t.foreignKey(${list(fk.columns)}, ${str(fk.table)}, { column: ${list(fk.refColumns)}, name: ${str(fk.name)}${onDelete} })`;
}

function applyForeignKey(t: CreateTableBuilder | AlterTableBuilder, fk: ForeignKeySpec): void {
  const single = fk.columns.length === 1;
  t.foreignKey(single ? fk.columns[0]! : fk.columns, fk.table, {
    column: single ? fk.refColumns[0] : fk.refColumns,
    name: fk.name,
    onDelete: fk.onDelete?.toLowerCase() as 'cascade' | undefined,
  });
}

function applyColumn(
  t: CreateTableBuilder | AlterTableBuilder,
  column: ColumnSpec,
  fk?: ForeignKeySpec,
): ColumnBuilder {
  const c = t.add(column.name, column.type);
  if (column.identity) c.generated();
  if (!column.nullable && !column.identity) c.notNull();
  if (column.default !== undefined) c.default({ sql: column.default });
  if (fk) {
    c.references(fk.table, fk.refColumns[0]!);
    if (fk.onDelete) c.onDelete(fk.onDelete.toLowerCase() as 'cascade');
  }
  return c;
}

function createTableStep(table: TableSpec): Step {
  const singleFk = (column: string) =>
    table.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === column);
  const singlePk = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
  const uniqueColumn = (column: string) =>
    table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column);
  const lines = table.columns.map((column) => {
    let code = columnCode(column, singleFk(column.name));
    if (column.name === singlePk) code += '.primary()';
    if (uniqueColumn(column.name)) code += '.unique()';
    return `      ${code};`;
  });
  if (table.primaryKey.length > 1)
    lines.push(`      t.primaryKey(${JSON.stringify(table.primaryKey)});`);
  const compositeFks = table.foreignKeys.filter((f) => f.columns.length > 1);
  for (const fk of compositeFks) lines.push(`      ${foreignKeyCode(fk)};`);
  return {
    code: `    schema.createTable(${str(table.name)}, (t) => {\n${lines.join('\n')}\n    });`,
    apply: (schema) =>
      schema.createTable(table.name, (t) => {
        for (const column of table.columns) {
          const c = applyColumn(t, column, singleFk(column.name));
          if (column.name === singlePk) c.primary();
          if (uniqueColumn(column.name)) c.unique();
        }
        if (table.primaryKey.length > 1) t.primaryKey(table.primaryKey);
        for (const fk of compositeFks) applyForeignKey(t, fk);
      }),
  };
}

function dropTableStep(name: string): Step {
  return { code: `    schema.dropTable(${str(name)});`, apply: (s) => s.dropTable(name) };
}

function alterStep(table: string, code: string[], apply: (t: AlterTableBuilder) => void): Step {
  return {
    code: `    schema.alterTable(${str(table)}, (t) => {\n${code.map((c) => `      ${c};`).join('\n')}\n    });`,
    apply: (s) => s.alterTable(table, apply),
  };
}

/** Tables ordered so that referenced tables come first. */
function referencedFirst(tables: TableSpec[]): TableSpec[] {
  const ordered: TableSpec[] = [];
  const visit = (table: TableSpec, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table.name)) return;
    path.add(table.name);
    for (const fk of table.foreignKeys) {
      const parent = tables.find((t) => t.name === fk.table);
      if (parent && parent !== table) visit(parent, path);
    }
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/**
 * What turns the database schema into the models' schema: new enums and tables (referenced
 * ones first), then column, nullability, default, unique and foreign-key changes of existing
 * tables. Tables the models do not know are left alone. A dropped column next to an added one
 * of the same type may be a rename: it is marked, never decided.
 */
export function diffSchemas(current: SchemaSpec, desired: SchemaSpec): SchemaDiff {
  const up: Step[] = [];
  const down: Step[] = [];
  const notes: string[] = [];

  for (const [name, labels] of desired.enums) {
    if (current.enums.has(name)) continue;
    up.push({
      code: `    schema.createEnum(${str(name)}, ${JSON.stringify(labels)});`,
      apply: (s) => s.createEnum(name, labels),
    });
  }

  const newTables = referencedFirst(
    [...desired.tables.values()].filter((t) => !current.tables.has(t.name)),
  );
  for (const table of newTables) up.push(createTableStep(table));
  for (const table of [...newTables].reverse()) down.push(dropTableStep(table.name));

  for (const table of desired.tables.values()) {
    const existing = current.tables.get(table.name);
    if (!existing) continue;
    const upCode: string[] = [];
    const downCode: string[] = [];
    const upApply: Array<(t: AlterTableBuilder) => void> = [];
    const downApply: Array<(t: AlterTableBuilder) => void> = [];
    const added = table.columns.filter((c) => !existing.columns.some((e) => e.name === c.name));
    const dropped = existing.columns.filter((e) => !table.columns.some((c) => c.name === e.name));
    for (const column of added) {
      const fk = table.foreignKeys.find(
        (f) => f.columns.length === 1 && f.columns[0] === column.name,
      );
      upCode.push(columnCode(column, fk));
      upApply.push((t) => applyColumn(t, column, fk));
      downCode.push(`t.dropColumn(${str(column.name)})`);
      downApply.push((t) => t.dropColumn(column.name));
    }
    for (const column of dropped) {
      const twin = added.find((a) => a.type === column.type);
      if (twin) {
        const note = `"${table.name}"."${column.name}" is dropped and "${twin.name}" added with the same type: if this is a rename, replace both with t.renameColumn(${str(column.name)}, ${str(twin.name)})`;
        notes.push(note);
        upCode.push(`// POSSIBLE RENAME — ${note}`);
      }
      upCode.push(`t.dropColumn(${str(column.name)})`);
      upApply.push((t) => t.dropColumn(column.name));
      downCode.push(columnCode({ ...column, nullable: true }));
      downApply.push((t) => applyColumn(t, { ...column, nullable: true }));
    }
    for (const column of table.columns) {
      const before = existing.columns.find((e) => e.name === column.name);
      if (!before) continue;
      if (before.type !== column.type) {
        upCode.push(`t.changeType(${str(column.name)}, ${str(column.type)})`);
        upApply.push((t) => t.changeType(column.name, column.type));
        downCode.push(`t.changeType(${str(column.name)}, ${str(before.type)})`);
        downApply.push((t) => t.changeType(column.name, before.type));
      }
      if (before.nullable !== column.nullable && !column.identity) {
        const [set, unset] = column.nullable
          ? ['dropNotNull', 'setNotNull']
          : ['setNotNull', 'dropNotNull'];
        upCode.push(`t.${set}(${str(column.name)})`);
        upApply.push((t) =>
          (t as unknown as Record<string, (n: string) => void>)[set]!(column.name),
        );
        downCode.push(`t.${unset}(${str(column.name)})`);
        downApply.push((t) =>
          (t as unknown as Record<string, (n: string) => void>)[unset]!(column.name),
        );
      }
      if (before.default !== column.default && !column.identity) {
        const change = (t: AlterTableBuilder, value: string | undefined) =>
          value === undefined
            ? t.dropDefault(column.name)
            : t.setDefault(column.name, { sql: value });
        const code = (value: string | undefined) =>
          value === undefined
            ? `t.dropDefault(${str(column.name)})`
            : `t.setDefault(${str(column.name)}, { sql: ${str(value)} })`;
        upCode.push(code(column.default));
        upApply.push((t) => change(t, column.default));
        downCode.push(code(before.default));
        downApply.push((t) => change(t, before.default));
      }
    }
    for (const fk of table.foreignKeys) {
      const exists = existing.foreignKeys.some(
        (f) => f.table === fk.table && f.columns.join() === fk.columns.join(),
      );
      if (exists || added.some((c) => fk.columns.length === 1 && c.name === fk.columns[0]))
        continue;
      upCode.push(foreignKeyCode(fk));
      upApply.push((t) => applyForeignKey(t, fk));
      downCode.push(`t.dropConstraint(${str(fk.name)})`);
      downApply.push((t) => t.dropConstraint(fk.name));
    }
    const alterations = upCode.filter((c) => !c.startsWith('//')).length;
    if (alterations) {
      up.push(alterStep(table.name, upCode, (t) => upApply.forEach((f) => f(t))));
      down.unshift(
        alterStep(table.name, downCode.reverse(), (t) =>
          [...downApply].reverse().forEach((f) => f(t)),
        ),
      );
    }
    for (const unique of table.uniques) {
      const exists = existing.uniques.some((u) => u.columns.join() === unique.columns.join());
      if (exists) continue;
      up.push({
        code: `    schema.createIndex(${str(table.name)}, ${JSON.stringify(unique.columns)}, { unique: true, name: ${str(unique.name)} });`,
        apply: (s) =>
          s.createIndex(table.name, unique.columns, { unique: true, name: unique.name }),
      });
      down.unshift({
        code: `    schema.dropIndex(${str(unique.name)});`,
        apply: (s) => s.dropIndex(unique.name),
      });
    }
  }

  const indexes = diffIndexes(current, desired);
  up.push(...indexes.up);
  down.unshift(...indexes.down);
  notes.push(...indexes.notes);

  for (const name of desired.enums.keys()) {
    if (current.enums.has(name)) continue;
    down.push({ code: `    schema.dropEnum(${str(name)});`, apply: (s) => s.dropEnum(name) });
  }
  return {
    up,
    down,
    notes,
    concurrent: { up: indexes.concurrentUp, down: indexes.concurrentDown },
  };
}

/** The SQL `up` would run (for the safety lint). */
export function upStatements(diff: Pick<SchemaDiff, 'up'>): string[] {
  const schema = new SchemaBuilder();
  for (const step of diff.up) step.apply(schema);
  return schema.statements;
}

/**
 * The source of a migration file for the diff; `transactional: false` for one that builds
 * indexes concurrently.
 */
export function migrationSource(
  className: string,
  diff: Pick<SchemaDiff, 'up' | 'down' | 'notes'>,
  options: { transactional?: boolean } = {},
): string {
  const notes = diff.notes.map((n) => ` * ${n}\n`).join('');
  return (
    `import { Migration, type SchemaBuilder } from 'nestjs-active-record';\n\n` +
    (notes ? `/**\n * Review before running:\n${notes} */\n` : '') +
    `export default class ${className} extends Migration {\n` +
    (options.transactional === false
      ? `  // CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction; each step can run again.\n` +
        `  override readonly transactional = false;\n\n`
      : '') +
    `  up(schema: SchemaBuilder): void {\n${diff.up.map((s) => s.code).join('\n') || '    // nothing'}\n  }\n\n` +
    `  down(schema: SchemaBuilder): void {\n${diff.down.map((s) => s.code).join('\n') || '    // nothing'}\n  }\n}\n`
  );
}

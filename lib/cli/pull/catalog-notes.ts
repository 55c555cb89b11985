import type { PullNote } from './model-plan';
import type { SchemaCatalog } from './schema-catalog';

/**
 * The notes for what the catalog holds and no model can describe, each saying what `db:pull`
 * did instead (they all stay in the database, untouched by migrations).
 */
export function catalogNotes(catalog: SchemaCatalog, tables: ReadonlySet<string>): PullNote[] {
  const notes: PullNote[] = [];
  for (const view of catalog.views) {
    notes.push({
      object: `view ${view}`,
      note: 'not a model (read it with orm.query(sql`SELECT … FROM …`))',
    });
  }
  for (const view of catalog.materializedViews) {
    notes.push({
      object: `materialized view ${view}`,
      note: 'not a model (read it with orm.query; refresh it in a migration)',
    });
  }
  for (const fn of catalog.functions) {
    notes.push({
      object: `${fn.kind} ${fn.signature}`,
      note: 'left in the database (call it with orm.query)',
    });
  }
  for (const trigger of catalog.triggers) {
    if (!tables.has(trigger.table)) continue;
    notes.push({
      object: `trigger ${trigger.name} on ${trigger.table}`,
      note: 'left in the database: it still runs on every write, the model does not know it',
    });
  }
  for (const domain of catalog.domains.values()) {
    for (const check of domain.checks) {
      notes.push({
        object: `domain ${domain.name} check ${check.name}`,
        note: `${check.expression} stays on the domain; columns of the domain are declared as ${domain.baseType} with sqlType '${domain.name}'`,
      });
    }
  }
  for (const sequence of catalog.freeSequences) {
    notes.push({
      object: `sequence ${sequence}`,
      note: 'owned by no column: left in the database (defaults that call nextval keep it)',
    });
  }
  for (const type of catalog.customTypes) {
    notes.push({
      object: `${type.kind} ${type.name}`,
      note: 'no model type: columns of it are declared as text with sqlType',
    });
  }
  return notes;
}

import { currentContext } from '../context/request-context';
import type { ModelMeta } from '../metadata/model-meta';
import { changesOf, stateOf } from './record-state';

type Row = Record<string, unknown>;

function keyOf(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** The records of one model mapped in the current context, or undefined outside a context. */
export function identityMapOf(meta: ModelMeta): Map<string, object> | undefined {
  const context = currentContext();
  if (!context) return undefined;
  let records = context.identityMap.get(meta);
  if (!records) context.identityMap.set(meta, (records = new Map()));
  return records;
}

/** The record already mapped for this row's key in the current context. */
export function mappedRecord(meta: ModelMeta, key: unknown): object | undefined {
  const id = keyOf(key);
  return id === undefined ? undefined : identityMapOf(meta)?.get(id);
}

/** Maps a record (after a load or an insert) in the current context. */
export function mapRecord(meta: ModelMeta, record: object): void {
  const id = keyOf((record as Row)[meta.primaryKey.property]);
  if (id !== undefined) identityMapOf(meta)?.set(id, record);
}

/** Forgets a record (after it was deleted). */
export function unmapRecord(meta: ModelMeta, record: object): void {
  const id = keyOf((record as Row)[meta.primaryKey.property]);
  if (id !== undefined) currentContext()?.identityMap.get(meta)?.delete(id);
}

/** Every record mapped in the current context. */
export function mappedRecords(): Array<{ meta: ModelMeta; record: object }> {
  const context = currentContext();
  if (!context) return [];
  const all: Array<{ meta: ModelMeta; record: object }> = [];
  for (const [meta, records] of context.identityMap) {
    for (const record of records.values()) all.push({ meta: meta as ModelMeta, record });
  }
  return all;
}

/**
 * Empties the current context's map (after a rollback: mapped state may not match the rows).
 * Records with unsaved changes stay in the unit of work, which still writes them at its next
 * flush (a flush that failed and is retried, say).
 */
export function clearIdentityMap(): void {
  const context = currentContext();
  if (!context) return;
  for (const meta of [...context.identityMap.keys()]) forgetModel(meta as ModelMeta);
}

/**
 * After a bulk write (`updateAll`, `deleteAll`) the model's mapped records may no longer match
 * their rows: they are forgotten, so the next `find` reads the row again. Records with unsaved
 * changes stay in the unit of work, which still writes them at its next flush.
 */
export function forgetModel(meta: ModelMeta): void {
  const context = currentContext();
  const records = context?.identityMap.get(meta);
  if (!context || !records) return;
  for (const record of records.values()) {
    if (Object.keys(changesOf(meta, record as Row, stateOf(record))).length > 0) {
      context.pending.added.add(record);
    }
  }
  context.identityMap.delete(meta);
}

import { currentContext } from '../context/request-context';
import type { ModelMeta } from '../metadata/model-meta';
import { changesOf, stateOf } from './record-state';

type Row = Record<string, unknown>;

// Records are mapped by the hash of their primary key (`meta.key.hash`): a single key's value,
// or the list of a composite key's values, so (1, 12) and (11, 2) are two entries.

/** The records of one model mapped in the current context, or undefined outside a context. */
export function identityMapOf(meta: ModelMeta): Map<string, object> | undefined {
  const context = currentContext();
  if (!context) return undefined;
  let records = context.identityMap.get(meta);
  if (!records) context.identityMap.set(meta, (records = new Map()));
  return records;
}

/** Whether records are mapped here (a request context is open). */
export function mapsRecords(): boolean {
  return currentContext() !== undefined;
}

/** The record already mapped for this key (its values in key order) in the current context. */
export function mappedRecord(meta: ModelMeta, key: readonly unknown[]): object | undefined {
  return identityMapOf(meta)?.get(meta.key.hash(key));
}

/** Maps a record (after a load or an insert) in the current context. */
export function mapRecord(meta: ModelMeta, record: object): void {
  const id = meta.key.hashOf(record);
  if (id !== undefined) identityMapOf(meta)?.set(id, record);
}

/** Forgets a record (after it was deleted). */
export function unmapRecord(meta: ModelMeta, record: object): void {
  const id = meta.key.hashOf(record);
  if (id !== undefined) forget(meta, id, record);
}

/**
 * Moves a record whose key was changed by an update from its old key (`previous`, a hash) to
 * its new one, so a lookup of the old key no longer answers it.
 */
export function remapRecord(meta: ModelMeta, record: object, previous: string | undefined): void {
  const id = meta.key.hashOf(record);
  if (previous === undefined || id === previous) return;
  forget(meta, previous, record);
  mapRecord(meta, record);
}

function forget(meta: ModelMeta, id: string, record: object): void {
  const records = currentContext()?.identityMap.get(meta);
  if (records?.get(id) === record) records.delete(id);
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

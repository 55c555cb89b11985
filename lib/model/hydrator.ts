import type { Connection } from '../context/connection';
import type { ModelMeta } from '../metadata/model-meta';
import { identityMapOf } from './identity-map';
import { recordFactoryOf, recordsAreAllocated, unshadowRelations } from './record-allocation';
import {
  newState,
  setSiblingGroup,
  setState,
  siblingsOf,
  snapshotOf,
  type SiblingGroup,
} from './record-state';
import { rowReaderOf } from './row-reader';

/**
 * Turns rows into records of the model: one instance per row, columns copied to their
 * properties, and the clean state recorded for dirty tracking. This runs for every row
 * of every query, so it avoids per-row lookups and allocations beyond the record and
 * its snapshot.
 */
export function hydrateRecords<T extends object>(
  meta: ModelMeta,
  rows: readonly Record<string, unknown>[] | readonly unknown[][],
  connection: Connection | undefined,
  /**
   * Rows with some columns (`true`) or all of them (`false`) by name; or all of them by position:
   * the driver's arrays (`'arrays'`), or a JSON include's rows (`'positional'`), whose last slot
   * may hold the record `readAhead` built.
   */
  form: boolean | 'arrays' | 'positional',
): T[] {
  const records = new Array<T>(rows.length);
  const siblings: SiblingGroup = { records, connection };
  // Within a request context, a row already loaded is answered by the same object (which keeps
  // any unsaved changes). Partial rows never enter the map.
  const byPosition = form === 'arrays' || form === 'positional';
  const readsAheadSlot = form === 'positional';
  const mapped = form === true ? undefined : identityMapOf(meta);
  const key = meta.key;
  const keyPositions = byPosition ? key.positionsIn(meta.columns) : undefined;
  // Full rows go through the model's compiled reader; partial ones copy what they have.
  const read = form === true ? undefined : rowReaderOf(meta, byPosition);
  const newRecord = read ? undefined : recordFactoryOf(meta);
  let fresh = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const ahead = readsAheadSlot ? recordReadAhead(row as unknown[]) : undefined;
    const id =
      mapped &&
      (ahead
        ? key.hashOf(ahead)
        : keyPositions
          ? key.hashAt(row as unknown[], keyPositions)
          : key.hashOfRow(row as Record<string, unknown>));
    if (id !== undefined) {
      const existing = mapped!.get(id);
      if (existing) {
        records[i] = existing as T;
        continue;
      }
    }
    let record: T;
    if (ahead) {
      // Its state is the row already: it joins this group, and the slot lets it go.
      (row as unknown[])[(row as unknown[]).length - 1] = null;
      setSiblingGroup(ahead, siblings);
      record = ahead as T;
    } else if (read) record = read(row, siblings) as T;
    else {
      record = newRecord!() as T;
      applyRow(meta, record, row as Record<string, unknown>, true);
      setState(
        record,
        newState(true, snapshotOf(meta, record as Record<string, unknown>), connection, siblings),
      );
    }
    records[i] = record;
    if (id !== undefined) mapped!.set(id, record);
    fresh++;
  }
  if (fresh > 0 && meta.relationNames.length > 0) {
    const created =
      fresh === records.length ? records : records.filter((r) => siblingsOf(r) === siblings);
    unshadowRelations(meta, created);
  }
  return records;
}

/**
 * The sibling group of records read ahead, until `hydrateRecords` gives them their own: no
 * record is handed out before that.
 */
const PENDING_SIBLINGS: SiblingGroup = { records: [] };

/** Per model: whether its records may be read ahead (see `readAhead`). */
const readsAhead = new WeakMap<ModelMeta, boolean>();

/**
 * Builds the record of a JSON include's row now, as the row arrives from the server, rather
 * than when its sibling group is hydrated (`hydrateRecords` with `'positional'` adopts it, or
 * answers the identity map's record instead). The record waits in the row's last slot, free
 * for it.
 *
 * Only where building it runs none of the application's code: this runs in the driver's
 * handling of the socket's data, outside the request's async context, so a model's own
 * constructor, a transformer or a custom type's parser (which may read that context) wait for
 * the hydration. A row read ahead already is left as it is.
 */
export function readAhead(meta: ModelMeta, row: unknown[]): void {
  const last = row.length - 1;
  if (row[last] !== null) return;
  let allowed = readsAhead.get(meta);
  if (allowed === undefined) {
    allowed =
      recordsAreAllocated(meta) &&
      meta.columns.every((c) => c.transformer === undefined && c.customType === undefined);
    readsAhead.set(meta, allowed);
  }
  if (!allowed) return;
  const record = rowReaderOf(meta, true)(row, PENDING_SIBLINGS);
  row[last] = record;
}

/** The record `readAhead` built for a positional row, if it did. */
function recordReadAhead(row: unknown[]): object | undefined {
  const held = row[row.length - 1];
  return held === null || held === undefined ? undefined : (held as object);
}

/** Copies a row's columns onto a record (after INSERT/UPDATE … RETURNING, or reload). */
export function applyRow(
  meta: ModelMeta,
  record: object,
  row: Record<string, unknown>,
  partial = false,
): void {
  const target = record as Record<string, unknown>;
  const columns = meta.columns;
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i]!;
    let value = row[field.name];
    if (value !== null && value !== undefined && field.fromDriver) value = field.fromDriver(value);
    if (value !== undefined || !partial) target[field.property] = value;
  }
}

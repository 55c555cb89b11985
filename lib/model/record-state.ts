import type { Connection } from '../context/connection';
import type { ModelMeta } from '../metadata/model-meta';

/** What the ORM knows about one record, kept outside it so user fields never collide. */
export interface RecordState {
  persisted: boolean;
  destroyed: boolean;
  /** Comparable copies of column values as last loaded or saved, by property. */
  snapshot: Record<string, unknown>;
  /** The connection the record was loaded through, when not the model's default. */
  connection?: Connection;
}

const states = new WeakMap<object, RecordState>();

export function stateOf(record: object): RecordState {
  let state = states.get(record);
  if (!state) {
    state = { persisted: false, destroyed: false, snapshot: Object.create(null) as Record<string, unknown> };
    states.set(record, state);
  }
  return state;
}

/** Records the current column values as the clean state. */
export function takeSnapshot(meta: ModelMeta, record: Record<string, unknown>, state: RecordState): void {
  const snapshot = Object.create(null) as Record<string, unknown>;
  for (const field of meta.columns) {
    if (field.property in record) snapshot[field.property] = field.snapshot(record[field.property]);
  }
  state.snapshot = snapshot;
}

/** `{ field: [old, new] }` for every column whose value differs from the snapshot. */
export function changesOf(meta: ModelMeta, record: Record<string, unknown>, state: RecordState): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of meta.columns) {
    const key = field.property;
    const current = record[key];
    if (key in state.snapshot) {
      const before = state.snapshot[key];
      if (field.snapshot(current) !== before) changes[key] = [field.fromSnapshot(before), current];
    } else if (current !== undefined) {
      changes[key] = [undefined, current];
    }
  }
  return changes;
}

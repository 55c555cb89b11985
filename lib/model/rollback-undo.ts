import type { Connection } from '../context/connection';
import { openTransaction } from '../transactions/transaction-scope';
import type { ModelMeta } from '../metadata/model-meta';
import type { RecordState } from './record-state';

/**
 * Before a record is written in a transaction: remembers it as it is (column values, whether
 * it is new or destroyed, its clean snapshot, its last changes) so that a rollback puts it
 * back — a new record new again without the key the INSERT gave it, an update's changes
 * pending again with the version it had. Outside a transaction the write is its own commit.
 */
export function undoOnRollback(
  connection: Connection,
  meta: ModelMeta,
  record: object,
  state: RecordState,
): void {
  const transaction = openTransaction(connection);
  if (!transaction) return;
  const row = record as Record<string, unknown>;
  const values = meta.columns.map((c) => [c.property, c.property in row, row[c.property]] as const);
  const { persisted, destroyed, snapshot, lastSave } = state;
  transaction.undo.push(() => {
    for (const [property, present, value] of values) {
      if (present) row[property] = value;
      else delete row[property];
    }
    Object.assign(state, { persisted, destroyed, snapshot, lastSave });
  });
}

import type { Connection } from '../context/connection';
import { StaleRecordError } from '../errors/lifecycle-errors';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { and, column, param, type Expr } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import { checkAssignable } from '../model/attribute-assignment';
import { applyRow } from '../model/hydrator';
import { mapRecord, remapRecord } from '../model/identity-map';
import { bulkInsertStatement } from '../model/insert-all';
import { changesOf, recordSaved, stateOf } from '../model/record-state';
import { lockVersionOf, primaryKeyOf } from '../model/record-persister';
import { keysMatch } from '../query/key-conditions';
import { undoOnRollback } from '../model/rollback-undo';
import { arrayTypeOf, elementValue } from '../model/unnest-values';

// The writes of a flush, grouped: records of one model are written together, one statement per
// group of records that give the same fields (INSERT) or change the same columns (UPDATE).

type Row = Record<string, unknown>;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Inserts new records of one model: one `INSERT … SELECT FROM unnest` per set of fields the
 * records give, rows returned in order and applied back to their records.
 */
export async function insertRecords(
  meta: ModelMeta,
  records: readonly object[],
  connection: Connection,
): Promise<void> {
  const shapeOf = (record: object) =>
    meta.columns
      .filter((c) => (record as Row)[c.property] !== undefined)
      .map((c) => c.property)
      .join(',');
  for (const group of groupBy(records, shapeOf).values()) {
    const rows = group.map((record) => {
      const row: Row = {};
      for (const field of meta.columns) {
        const value = (record as Row)[field.property];
        if (value !== undefined) row[field.property] = value;
      }
      return row;
    });
    for (const record of group) undoOnRollback(connection, meta, record, stateOf(record));
    const statement = bulkInsertStatement(meta, rows, { upsert: false })!;
    const { rows: inserted } = await connection.execute(statement);
    group.forEach((record, i) => {
      const state = stateOf(record);
      applyRow(meta, record, inserted[i]!);
      state.persisted = true;
      recordSaved(meta, record as Row, state);
      mapRecord(meta, record);
    });
  }
}

/**
 * Updates changed records of one model: one `UPDATE … FROM unnest(…)` per set of changed
 * columns, checking `@Version()` row by row (StaleRecordError, and nothing written, when one
 * is stale).
 */
export async function updateRecords(
  meta: ModelMeta,
  records: readonly object[],
  connection: Connection,
): Promise<void> {
  const now = new Date();
  const pending: Array<{ record: Row; changed: string[]; key: unknown[]; lock?: number }> = [];
  for (const record of records as Row[]) {
    const state = stateOf(record);
    const changed = Object.keys(changesOf(meta, record, state));
    if (changed.length === 0) continue;
    undoOnRollback(connection, meta, record, state);
    if (meta.updatedAt && !changed.includes(meta.updatedAt.property)) {
      record[meta.updatedAt.property] = now;
      changed.push(meta.updatedAt.property);
    }
    const key = primaryKeyOf(meta, record, state);
    let lock: number | undefined;
    if (meta.version) {
      lock = lockVersionOf(meta, record, state);
      record[meta.version.property] = lock + 1;
      if (!changed.includes(meta.version.property)) changed.push(meta.version.property);
    }
    pending.push({ record, changed: changed.sort(), key, lock });
  }
  // A failure rolls the flush back, which puts the records back as they were (versions too).
  for (const group of groupBy(pending, (p) => p.changed.join(',')).values()) {
    const fields = group[0]!.changed.map((p) => meta.column(p)!);
    await updateGroup(meta, fields, group, connection);
  }
}

async function updateGroup(
  meta: ModelMeta,
  fields: readonly ColumnMeta[],
  group: ReadonlyArray<{ record: Row; key: unknown[]; lock?: number }>,
  connection: Connection,
): Promise<void> {
  const alias = 'v';
  const table = meta.tableName;
  const key = meta.key;
  // The key each row had (its parts as k0, k1, …), then the new values (c0, c1, …).
  const keyAliases = key.columns.map((_, i) => `k${i}`);
  const arrays: Expr[] = [
    ...key.columns.map((column, i) =>
      param(
        group.map((g) => g.key[i]),
        { ...column.sqlType, array: true },
      ),
    ),
    ...fields.map((field) =>
      param(
        group.map((g) => {
          const value = g.record[field.property];
          checkAssignable(meta, field, value === undefined ? null : value);
          return value === null || value === undefined ? null : elementValue(field, value);
        }),
        arrayTypeOf(field),
      ),
    ),
  ];
  const columns = [...keyAliases, ...fields.map((_, i) => `c${i}`)];
  const where: Expr[] = [keysMatch(key.names, table, keyAliases, alias)];
  if (meta.version) {
    arrays.push(
      param(
        group.map((g) => g.lock),
        { name: 'integer', userDefined: false, array: true },
      ),
    );
    columns.push('lock');
    where.push({
      kind: 'binary',
      operator: '=',
      left: column(meta.version.name, table),
      right: column('lock', alias),
    });
  }
  const statement = compileStatement({
    kind: 'update',
    table,
    set: fields.map((field, i) => {
      const value = column(`c${i}`, alias);
      return [
        field.name,
        field.isArray ? { kind: 'cast', item: value, type: field.sqlType } : value,
      ];
    }),
    from: { arrays, alias, columns },
    where: and(where),
    returning: [{ kind: 'tableStar', table }],
  });
  const { rows } = await connection.execute(statement);
  // Rows come back with their key after the update: the record's own (possibly changed) key.
  const byKey = new Map(rows.map((row) => [key.hashOfRow(row), row]));
  const missing = group.find((g) => !byKey.has(key.hashOf(g.record)));
  if (missing) {
    // One stale row fails the whole flush, which rolls back: nothing of the group is kept.
    throw new StaleRecordError(meta.className, key.present(missing.key));
  }
  for (const { record, key: loaded } of group) {
    const state = stateOf(record);
    applyRow(meta, record, byKey.get(key.hashOf(record))!);
    remapRecord(meta, record, key.hash(loaded));
    recordSaved(meta, record, state);
  }
}

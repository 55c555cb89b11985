import type { Connection } from '../context/connection';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { OrmError } from '../errors/orm-error';
import { StaleRecordError } from '../errors/lifecycle-errors';
import { RecordNotFoundError } from '../errors/record-not-found-error';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { and, column, param, star, type Expr } from '../sql/nodes';
import { keyEquals } from '../query/key-conditions';
import { applyRow } from './hydrator';
import { returnedAsSent } from './returned-as-sent';
import { checkAssignable } from './attribute-assignment';
import {
  changesOf,
  recordSaved,
  snapshotValue,
  takeSnapshot,
  type RecordState,
} from './record-state';
import { undoOnRollback } from './rollback-undo';
import { cachedText, columnBit, writeShape } from './statement-cache';

type Row = Record<string, unknown>;

/**
 * Writes one record: INSERT … RETURNING for a new one, an UPDATE of the changed columns
 * only (returning those columns) for a persisted one (nothing at all when nothing changed). Values are checked
 * against their columns first, so a bad value fails before any SQL.
 */
export function persistRecord(
  meta: ModelMeta,
  record: object,
  state: RecordState,
  connection: Connection,
): Promise<void> {
  if (state.destroyed)
    return Promise.reject(
      new OrmError('RECORD_DESTROYED', `This ${meta.className} was destroyed and cannot be saved`),
    );
  undoOnRollback(connection, meta, record, state);
  return state.persisted
    ? updateRecord(meta, record as Row, state, connection)
    : insertRecord(meta, record as Row, state, connection);
}

async function insertRecord(
  meta: ModelMeta,
  record: Row,
  state: RecordState,
  connection: Connection,
): Promise<void> {
  const now = new Date();
  if (meta.createdAt && record[meta.createdAt.property] === undefined)
    record[meta.createdAt.property] = now;
  if (meta.updatedAt && record[meta.updatedAt.property] === undefined)
    record[meta.updatedAt.property] = now;
  const columns = meta.columns;
  const fields: ColumnMeta[] = [];
  const values: unknown[] = [];
  let written = 0;
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i]!;
    const value = record[field.property];
    if (value === undefined) continue;
    checkAssignable(meta, field, value);
    fields.push(field);
    values.push(value === null ? null : field.toDriver(value));
    written |= columnBit(i);
  }
  const text = cachedText(meta, writeShape(meta, 'insert', written, fields), () => ({
    kind: 'insert',
    table: meta.tableName,
    columns: fields.map((f) => f.name),
    source: fields.length
      ? { kind: 'values', rows: [fields.map((f) => param(undefined, castFor(f)))] }
      : { kind: 'defaultValues' },
    returning: [star],
  }));
  const { rows } = await connection.execute({ text, values });
  applyRow(meta, record, rows[0]!);
  state.persisted = true;
  recordSaved(meta, record, state);
}

async function updateRecord(
  meta: ModelMeta,
  record: Row,
  state: RecordState,
  connection: Connection,
): Promise<void> {
  const changes = changesOf(meta, record, state);
  if (Object.keys(changes).length === 0) return;
  const { updatedAt, version } = meta;
  if (updatedAt && !Object.hasOwn(changes, updatedAt.property))
    record[updatedAt.property] = new Date();
  const loadedVersion = version ? lockVersionOf(meta, record, state) : undefined;
  if (version) record[version.property] = (loadedVersion as number) + 1;
  // The written columns in the order of `meta.columns`, so that one set of columns is one text.
  const columns = meta.columns;
  const fields: ColumnMeta[] = [];
  const values: unknown[] = [];
  let written = 0;
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i]!;
    if (!Object.hasOwn(changes, field.property) && field !== updatedAt && field !== version)
      continue;
    const value = record[field.property];
    checkAssignable(meta, field, value === undefined ? null : value);
    fields.push(field);
    values.push(value === null || value === undefined ? null : field.toDriver(value));
    written |= columnBit(i);
  }
  const key = primaryKeyOf(meta, record, state);
  values.push(...key);
  if (version) values.push(loadedVersion);
  // Only written columns come back, and only those the server may store in another form than
  // was sent (numeric scale, padded char, trimmed precision: the record must hold the server's
  // form). Every other column is unchanged since it was loaded.
  const returned = fields.filter((f) => !returnedAsSent(f, record[f.property]));
  const shape =
    returned.length === fields.length
      ? writeShape(meta, 'update', written, fields)
      : `update:${fields.map((f) => f.property).join(',')}:${returned.map((f) => f.name).join(',')}`;
  const text = cachedText(meta, shape, () => ({
    kind: 'update',
    table: meta.tableName,
    set: fields.map((f) => [f.name, param(undefined, castFor(f))] as const),
    where: byPrimaryKeyAndVersion(meta),
    returning: returned.map((f) => column(f.name)),
  }));
  const { rows, rowCount } = await connection.execute({ text, values });
  if (rowCount === 0) {
    if (version) {
      record[version.property] = loadedVersion;
      throw new StaleRecordError(meta.className, meta.key.present(key));
    }
    throw new RecordNotFoundError(meta.className, meta.key.describe(key));
  }
  if (returned.length) applyRow(meta, record, rows[0]!, true);
  recordSaved(meta, record, state);
}

/**
 * The `@Version()` the write must find in the row: the record's own value — the one it was
 * loaded with, or one assigned from a client that edited an older copy (a form's hidden field).
 */
export function lockVersionOf(meta: ModelMeta, record: Row, state: RecordState): number {
  const version = meta.version!;
  let loaded = record[version.property] ?? snapshotValue(meta, state, version.property);
  // A version posted back from a form arrives as text: "3" is version 3, not "3" + 1 = "31".
  if (typeof loaded === 'string' && /^\d{1,15}$/.test(loaded)) {
    loaded = Number(loaded);
    record[version.property] = loaded;
  }
  if (loaded === undefined || loaded === null) {
    throw new OrmError(
      'MISSING_LOCK_VERSION',
      `This ${meta.className} has no ${version.property} loaded; optimistic locking needs it (select it)`,
    );
  }
  if (typeof loaded !== 'number' || !Number.isSafeInteger(loaded) || loaded < 0) {
    throw new InvalidQueryError(
      `${meta.className}.${version.property} must be a whole number (a version)`,
      meta.className,
      version.property,
    );
  }
  return loaded;
}

/** Deletes the record's row; returns whether a row was deleted. */
export async function deleteRecord(
  meta: ModelMeta,
  record: object,
  state: RecordState,
  connection: Connection,
): Promise<boolean> {
  if (!state.persisted) return false;
  undoOnRollback(connection, meta, record, state);
  const text = cachedText(meta, 'delete', () => ({
    kind: 'delete',
    table: meta.tableName,
    where: byPrimaryKeyAndVersion(meta),
  }));
  const key = primaryKeyOf(meta, record as Row, state);
  const values = meta.version ? [...key, lockVersionOf(meta, record as Row, state)] : key;
  const { rowCount } = await connection.execute({ text, values });
  if (rowCount === 0 && meta.version)
    throw new StaleRecordError(meta.className, meta.key.present(key));
  state.destroyed = true;
  state.persisted = false;
  return rowCount > 0;
}

/** Reads the record's row again, discarding unsaved changes. */
export async function reloadRecord(
  meta: ModelMeta,
  record: object,
  state: RecordState,
  connection: Connection,
): Promise<void> {
  const key = primaryKeyOf(meta, record as Row, state);
  const { rows } = await connection.execute({
    text: findByPrimaryKeyText(meta),
    values: key,
    reads: true,
  });
  if (rows.length === 0) throw new RecordNotFoundError(meta.className, meta.key.describe(key));
  applyRow(meta, record, rows[0]!);
  takeSnapshot(meta, record as Row, state);
}

export function findByPrimaryKeyText(meta: ModelMeta): string {
  return cachedText(meta, 'find', () => ({
    kind: 'select',
    from: meta.tableName,
    columns: [star],
    where: keyEquals(meta.key),
  }));
}

/**
 * `id = $n` (or `ROW(tenant_id, id) = ROW($n, $n+1)`), and `AND lock_version = $m` for
 * models with `@Version()`.
 */
function byPrimaryKeyAndVersion(meta: ModelMeta): Expr {
  if (!meta.version) return keyEquals(meta.key);
  return and([
    keyEquals(meta.key),
    { kind: 'binary', operator: '=', left: column(meta.version.name), right: param(undefined) },
  ]);
}

/**
 * The key the row was loaded with, in key order (so changing `id` — or any part of a
 * composite key — in memory cannot retarget the UPDATE); undefined when a part is missing.
 */
function loadedKey(meta: ModelMeta, record: Row, state: RecordState): unknown[] | undefined {
  const values = meta.key.properties.map((p) => snapshotValue(meta, state, p) ?? record[p]);
  return values.some((v) => v === null || v === undefined) ? undefined : values;
}

/** The loaded key (see `loadedKey`); a record without one cannot be written by key. */
export function primaryKeyOf(meta: ModelMeta, record: Row, state: RecordState): unknown[] {
  const key = loadedKey(meta, record, state);
  if (!key) {
    const missing = meta.key.properties.filter(
      (p) => record[p] === null || record[p] === undefined,
    );
    throw new OrmError(
      'MISSING_PRIMARY_KEY',
      `This ${meta.className} has no ${missing.join(', ')}`,
    );
  }
  return key;
}

/** The hash of the key the record was loaded with, or undefined when it has none. */
export function loadedKeyHash(
  meta: ModelMeta,
  record: object,
  state: RecordState,
): string | undefined {
  const key = loadedKey(meta, record as Row, state);
  return key && meta.key.hash(key);
}

/** Parameters of user-defined (enum) and json columns are cast so the server knows the type. */
function castFor(field: ColumnMeta) {
  return field.isJson || field.isArray ? field.sqlType : undefined;
}

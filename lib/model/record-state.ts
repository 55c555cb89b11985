import type { Connection } from '../context/connection';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import type { LoadedRelations } from './loaded-relations';

/** Marks a column that was not loaded (partial select) in a snapshot. */
const ABSENT = Symbol('absent');

/** What the ORM knows about one record, kept outside it so user fields never collide. */
export interface RecordState {
  persisted: boolean;
  destroyed: boolean;
  /**
   * Comparable copies of column values as last loaded or saved, indexed like
   * `meta.columns`. An array, not an object: hydration writes it for every row.
   */
  snapshot: unknown[] | undefined;
  /** The connection the record was loaded through, when not the model's default. */
  connection?: Connection;
  /** Loaded relations: a record, null, or an array of records per relation name. */
  relations?: LoadedRelations;
  /** Related-record counts fetched by `countOf`, per relation name. */
  counts?: Map<string, number>;
  /** The records loaded by the same query, for batched lazy loading. */
  siblings?: SiblingGroup;
  /** The snapshots around the last save, from which `previousChanges` is read when asked. */
  lastSave?: LastSave;
}

/** The clean snapshot before a save (undefined for an insert) and after it. */
export interface LastSave {
  readonly before: readonly unknown[] | undefined;
  readonly after: readonly unknown[];
}

/**
 * Records hydrated together; lazy loads of one relation run once for the whole group. They came
 * by one query, so through one connection, which the group keeps for them.
 */
export interface SiblingGroup {
  readonly records: readonly object[];
  readonly connection?: Connection;
  inflight?: Map<string, Promise<unknown>>;
}

/**
 * The state of a record read from a full row and not touched since, packed into one array: the
 * snapshot values, indexed like `meta.columns` (as `RecordState.snapshot`); slots past them
 * are not read. The connection and sibling group are the record's sibling group, in a field of
 * its own. Most records are only read: a query of many rows makes one object per record fewer,
 * and keeps one fewer alive while the records are; a row the driver gave as an array of values
 * becomes the packed state itself. `stateOf` unpacks it on first use (the array becomes the
 * snapshot).
 */
export type PackedState = unknown[];

let readState: (record: object) => RecordState | PackedState | undefined;
let writeState: (record: object, state: RecordState | PackedState) => void;
let readGroup: (record: object) => SiblingGroup | undefined;
let writeGroup: (record: object, group: SiblingGroup) => void;

/**
 * The object the next `StateOnly` construction gives the state field to (see `withStateField`).
 * A module variable, not a constructor argument: a model's own constructor could pass an
 * argument on to `super` by mistake, and be answered with that object instead of a record.
 */
let adoptee: object | undefined;

/**
 * The root of every record's class chain. Constructed with an adoptee set, it answers that
 * object instead of a new one: a constructor that returns an object hands it to its subclass
 * constructors as their `this`, so the private state field below is defined on it.
 */
class AdoptingRoot {
  constructor() {
    const target = adoptee;
    if (target !== undefined) {
      adoptee = undefined;
      return target;
    }
  }
}

/**
 * Holds a record's state in a private field: invisible to JSON, spreading, `Object.keys` and
 * equality checks, and as fast as a property (a WeakMap costs ~0.4 µs a record).
 */
export abstract class RecordWithState extends AdoptingRoot {
  #state: RecordState | PackedState | undefined = undefined;
  /** The sibling group of a record whose state is packed (an unpacked state holds its own). */
  #group: SiblingGroup | undefined = undefined;

  static {
    readState = (record) => (record as RecordWithState).#state;
    writeState = (record, state) => {
      (record as RecordWithState).#state = state;
    };
    readGroup = (record) => (record as RecordWithState).#group;
    writeGroup = (record, group) => {
      (record as RecordWithState).#group = group;
    };
  }
}

/** The record classes' common part alone: the state field, and nothing of a model. */
class StateOnly extends RecordWithState {}

/**
 * Gives `target` (an object of a model's prototype made without its constructor) the private
 * state field that constructing the model would have given it.
 */
export function withStateField<T extends object>(target: T): T {
  adoptee = target;
  return new StateOnly() as unknown as T;
}

export function stateOf(record: object): RecordState {
  const current = readState(record);
  if (current !== undefined && !Array.isArray(current)) return current;
  let state: RecordState;
  if (current) {
    const group = readGroup(record)!;
    state = newState(true, current, group.connection, group);
  } else state = newState(false, undefined, undefined, undefined);
  writeState(record, state);
  return state;
}

/** Whether the record was loaded or saved, without unpacking its state. */
export function isPersistedRecord(record: object): boolean {
  const state = readState(record);
  return state !== undefined && (Array.isArray(state) || state.persisted);
}

/** The record's loaded relations, without unpacking its state (a packed one has none). */
export function loadedRelationsOf(record: object): LoadedRelations | undefined {
  const state = readState(record);
  return state === undefined || Array.isArray(state) ? undefined : state.relations;
}

/** The records loaded by the same query, without unpacking the record's state. */
export function siblingsOf(record: object): SiblingGroup | undefined {
  const state = readState(record);
  if (state === undefined) return undefined;
  return Array.isArray(state) ? readGroup(record) : state.siblings;
}

/**
 * A record's state with every property present from the start, so that all states share one
 * hidden class: properties added later (a loaded relation, the last save's changes) would
 * each give the states a new one, and every read of a state a polymorphic site.
 */
export function newState(
  persisted: boolean,
  snapshot: unknown[] | undefined,
  connection: Connection | undefined,
  siblings: SiblingGroup | undefined,
): RecordState {
  return {
    persisted,
    destroyed: false,
    snapshot,
    connection,
    relations: undefined,
    counts: undefined,
    siblings,
    lastSave: undefined,
  };
}

/** Sets the state of a freshly hydrated record. */
export function setState(record: object, state: RecordState): void {
  writeState(record, state);
}

/** Sets the packed state of a record read from a full row, and its sibling group. */
export function setPackedState(record: object, state: PackedState, siblings: SiblingGroup): void {
  writeState(record, state);
  writeGroup(record, siblings);
}

/** Moves a packed record into another sibling group (see `readAhead`). */
export function setSiblingGroup(record: object, siblings: SiblingGroup): void {
  writeGroup(record, siblings);
}

/** Comparable copies of the record's current column values. */
export function snapshotOf(meta: ModelMeta, record: Record<string, unknown>): unknown[] {
  const columns = meta.columns;
  const snapshot = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i]!;
    const value = record[field.property];
    if (value === undefined && !(field.property in record)) snapshot[i] = ABSENT;
    else snapshot[i] = field.mutable ? field.snapshot(value) : value;
  }
  return snapshot;
}

/** Records the current column values as the clean state. */
export function takeSnapshot(
  meta: ModelMeta,
  record: Record<string, unknown>,
  state: RecordState,
): void {
  state.snapshot = snapshotOf(meta, record);
}

/**
 * After a save: the record's current values become its clean state, and the snapshots around
 * the save are kept for `previousChanges`, which is worked out only when asked for.
 */
export function recordSaved(
  meta: ModelMeta,
  record: Record<string, unknown>,
  state: RecordState,
): void {
  const before = state.snapshot;
  takeSnapshot(meta, record, state);
  state.lastSave = { before, after: state.snapshot! };
}

/** What the last save wrote: `{ field: [before, after] }` (empty before any save). */
export function previousChangesOf(
  meta: ModelMeta,
  state: RecordState,
): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  if (!state.lastSave) return changes;
  const { before, after } = state.lastSave;
  const columns = meta.columns;
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i]!;
    const was = before ? before[i] : ABSENT;
    const is = after[i];
    if (was === ABSENT ? is === ABSENT || is === undefined : is === was) continue;
    changes[field.property] = [
      was === ABSENT ? undefined : snapshotToValue(field, was),
      snapshotToValue(field, is),
    ];
  }
  return changes;
}

function snapshotToValue(field: ColumnMeta, value: unknown): unknown {
  return field.mutable ? field.fromSnapshot(value) : value;
}

/** Equal as stored values: NaN (a double column's, an invalid Date's time) equals NaN. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

/** `{ field: [old, new] }` for every column whose value differs from the snapshot. */
export function changesOf(
  meta: ModelMeta,
  record: Record<string, unknown>,
  state: RecordState,
): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  const columns = meta.columns;
  const snapshot = state.snapshot;
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i]!;
    const current = record[field.property];
    const before = snapshot ? snapshot[i] : ABSENT;
    if (before === ABSENT) {
      if (current !== undefined) changes[field.property] = [undefined, current];
    } else if (!sameValue(field.mutable ? field.snapshot(current) : current, before)) {
      changes[field.property] = [field.mutable ? field.fromSnapshot(before) : before, current];
    }
  }
  return changes;
}

/** The value a field had when the snapshot was taken, or undefined when not loaded. */
export function snapshotValue(meta: ModelMeta, state: RecordState, property: string): unknown {
  const index = meta.columns.findIndex((c) => c.property === property);
  const value = state.snapshot?.[index];
  if (value === undefined || value === ABSENT) return undefined;
  const field = meta.columns[index]!;
  return field.mutable ? field.fromSnapshot(value) : value;
}

/** Puts back the loaded (or last saved) values of `fields`, or of every changed field. */
export function restoreSnapshot(
  meta: ModelMeta,
  record: Record<string, unknown>,
  state: RecordState,
  fields?: readonly string[],
): void {
  const changes = changesOf(meta, record, state);
  for (const property of fields ?? Object.keys(changes)) {
    if (!(property in changes)) continue;
    const index = meta.columns.findIndex((c) => c.property === property);
    const before = state.snapshot?.[index];
    if (before === ABSENT || before === undefined) delete record[property];
    else {
      const field = meta.columns[index]!;
      record[property] = field.mutable ? field.fromSnapshot(before) : before;
    }
  }
}

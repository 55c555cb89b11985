import { currentContext } from '../context/request-context';
import { openTransaction } from '../transactions/transaction-scope';
import { oneRecord, recordsOf } from './finder-methods';
import { keyIn } from './key-conditions';
import {
  keyLookupOf,
  lookupShape,
  primaryKeyLookup,
  rowMatchText,
  type KeyLookup,
} from './key-lookup';
import type { ModelMeta } from '../metadata/model-meta';
import type { QuerySource } from './query-source';
import { queryState, type QueryState } from './query-state';
import { compileSelect } from './select-statement';

/**
 * Most lookups one statement carries. Past it a batch closes and the next lookups of the tick
 * start another, so neither the statement's arrays nor the wait for its rows grow without end.
 */
export const MAX_LOOKUPS_PER_BATCH = 1000;

type Row = Record<string, unknown>;

/** A lookup sent on its own; `issuedAt` is its caller's stack when it is sent later. */
export type SingleLookup<T> = (issuedAt?: Error) => Promise<T | null>;

interface Caller<T> {
  readonly lookup: KeyLookup;
  /** What the caller would have sent on its own: used when it is alone in its batch. */
  readonly single: SingleLookup<T>;
  /** The caller's stack, kept for the N+1 report when it counts statements. */
  readonly issuedAt?: Error;
  readonly resolve: (record: T | null) => void;
  readonly reject: (error: unknown) => void;
}

interface Batch<T> {
  readonly source: QuerySource<T>;
  readonly state: QueryState;
  readonly callers: Caller<T>[];
  /** Where the batch is registered while it is open, to close it. */
  readonly registry: Map<string, Batch<unknown>>;
  readonly shape: string;
}

/** Stands for "no request context" and "no transaction" in the registry of open batches. */
const none = {};

/**
 * Open batches, by request context, then transaction, then query source (a model on a
 * connection), then shape: lookups meet only when all four are the same.
 */
const openBatches = new WeakMap<
  object,
  WeakMap<object, WeakMap<object, Map<string, Batch<unknown>>>>
>();

function registryFor(source: QuerySource<unknown>): Map<string, Batch<unknown>> {
  const context = currentContext() ?? none;
  const transaction = openTransaction(source.connection) ?? none;
  let byTransaction = openBatches.get(context);
  if (!byTransaction) openBatches.set(context, (byTransaction = new WeakMap()));
  let bySource = byTransaction.get(transaction);
  if (!bySource) byTransaction.set(transaction, (bySource = new WeakMap()));
  let byShape = bySource.get(source);
  if (!byShape) bySource.set(source, (byShape = new Map()));
  return byShape;
}

/**
 * `findBy(input)` on a query whose state is `base` (`filtered` adds the input's conditions):
 * batched with concurrent lookups when the input names one row by its key or a unique field,
 * else (or with `batchFinds: false`) the query's first record as usual.
 */
export function findRecordBy<T>(
  source: QuerySource<T>,
  base: QueryState,
  filtered: QueryState,
  input: unknown,
): Promise<T | null> {
  const single: SingleLookup<T> = (issuedAt) =>
    oneRecord(source, issuedAt ? { ...filtered, issuedAt } : filtered);
  if (source.connection.batchFinds === false) return single();
  const lookup = keyLookupOf(source.meta, input);
  const shape = lookup && lookupShape(source.meta, base, lookup.key);
  return shape === undefined ? single() : batchedLookup(source, base, shape, lookup!, single);
}

/**
 * `find(key)` of a model without scopes: batched with concurrent lookups of its primary key,
 * or `single()`, its own statement.
 *
 * @param state the query of every record, with the N+1 report's origin (made once per model)
 */
export function findRecordByKey<T>(
  source: QuerySource<T>,
  values: readonly unknown[],
  state: QueryState,
  single: SingleLookup<T>,
): Promise<T | null> {
  if (source.connection.batchFinds === false) return single();
  const lookup = primaryKeyLookup(source.meta, values);
  if (!lookup) return single();
  return batchedLookup(source, state, primaryKeyShape(source.meta), lookup, single);
}

const primaryKeyShapes = new WeakMap<ModelMeta, string>();

/** The shape of `find(key)`, the same for every call on a model (its origin is no part of it). */
function primaryKeyShape(meta: ModelMeta): string {
  let shape = primaryKeyShapes.get(meta);
  if (shape === undefined) {
    shape = lookupShape(meta, queryState(), meta.key)!;
    primaryKeyShapes.set(meta, shape);
  }
  return shape;
}

/**
 * Joins a lookup of one row to the lookups of the same shape made in this tick, in this request
 * context and transaction, on this connection; at the end of the tick they go out as one
 * statement (`= ANY($1)`, or `unnest` for a composite key) and each caller gets its record or
 * null. A lookup alone in its batch sends `single()`, its usual statement.
 *
 * @param state the query without the key's condition (its scopes, select, includes)
 * @param shape what tells this query apart from others (see `lookupShape`)
 */
export function batchedLookup<T>(
  source: QuerySource<T>,
  state: QueryState,
  shape: string,
  lookup: KeyLookup,
  single: SingleLookup<T>,
): Promise<T | null> {
  const registry = registryFor(source as QuerySource<unknown>);
  let batch = registry.get(shape) as Batch<T> | undefined;
  if (!batch) {
    batch = { source, state, callers: [], registry, shape };
    registry.set(shape, batch as unknown as Batch<unknown>);
    schedule(batch);
  }
  const open = batch;
  const { connection } = source;
  // Only the detector reads it, and only in a request context: the capture costs microseconds.
  const issuedAt = connection.detectsNPlusOne && currentContext() ? new Error() : undefined;
  return new Promise<T | null>((resolve, reject) => {
    open.callers.push({ lookup, single, issuedAt, resolve, reject });
    if (open.callers.length >= MAX_LOOKUPS_PER_BATCH) close(open);
  });
}

function close<T>(batch: Batch<T>): void {
  if (batch.registry.get(batch.shape) === (batch as unknown)) batch.registry.delete(batch.shape);
}

/**
 * Runs the batch at the end of the tick: after the promise jobs already queued (the other
 * callers of this tick, on their way to a lookup) and a few more, for callers one or two
 * awaits behind. Promise jobs rather than `process.nextTick` or `setImmediate`, which fake
 * timers in tests replace (a batch would then wait forever). The jobs keep the async context
 * of the first caller, which the others share (same request context and transaction).
 */
function schedule<T>(batch: Batch<T>): void {
  void Promise.resolve()
    .then(pass)
    .then(pass)
    .then(() => {
      close(batch);
      run(batch);
    });
}

function pass(): void {}

function run<T>(batch: Batch<T>): void {
  const { callers } = batch;
  if (callers.length === 1) {
    const [caller] = callers as [Caller<T>];
    caller.single(caller.issuedAt).then(caller.resolve, caller.reject);
    return;
  }
  fetchBatch(batch).then(
    (found) => callers.forEach((caller, i) => caller.resolve(found[i] ?? null)),
    // The one statement failed for all of them.
    (error: unknown) => callers.forEach((caller) => caller.reject(error)),
  );
}

/** One statement for every distinct key; the records (or undefined) in the callers' order. */
async function fetchBatch<T>(batch: Batch<T>): Promise<Array<T | undefined>> {
  const { source, state, callers } = batch;
  const { key } = callers[0]!.lookup;
  const tuples = new Map<string, readonly unknown[]>();
  for (const { lookup } of callers) tuples.set(lookup.match, lookup.tuple);
  const batchState: QueryState = {
    ...state,
    where: [
      ...state.where,
      keyIn(
        key.names,
        key.columns.map((c) => c.sqlType),
        [...tuples.values()],
      ),
    ],
    order: [],
  };
  const statement = compileSelect(source.meta, batchState);
  const { origin } = state;
  const { issuedAt } = callers[0]!;
  const { rows } = await source.connection.execute(
    origin || issuedAt
      ? { text: statement.text, values: statement.values, reads: statement.reads, origin, issuedAt }
      : statement,
  );
  const byMatch = new Map<string, Row>();
  for (const row of rows) {
    const match = rowMatchText(key, row);
    if (match !== undefined) byMatch.set(match, row);
  }
  // One row per caller that found one, hydrated together: duplicates of a key become the same
  // record where an identity map is open (as two finds would), and the records share a sibling
  // group, so a lazy load on one of them loads the relation for all.
  const rowsFound: Row[] = [];
  const slots: number[] = [];
  callers.forEach(({ lookup }, i) => {
    const row = byMatch.get(lookup.match);
    if (row) {
      rowsFound.push(row);
      slots.push(i);
    }
  });
  const records = rowsFound.length ? await recordsOf(source, batchState, rowsFound) : [];
  const result = new Array<T | undefined>(callers.length);
  slots.forEach((slot, i) => (result[slot] = records[i]));
  return result;
}

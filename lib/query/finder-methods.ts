import type { QueryResult, RowListener } from '../driver/driver';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { OrmError } from '../errors/orm-error';
import type { OrderNode } from '../sql/nodes';
import type { CompiledQuery } from '../sql/query-compiler';
import type { QuerySource } from './query-source';
import type { QueryState } from './query-state';
import { attachCounts } from './relation-counts';
import { compileSelect, primaryKeyOrder } from './select-statement';

type Row = Record<string, unknown>;

/**
 * Sends a query's compiled SELECT; the records come back in the order of their rows. Full rows
 * of the model are asked for as arrays (see `QuerySource.hydrateFull`).
 */
export async function fetchRecords<T>(
  source: QuerySource<T>,
  state: QueryState,
  statement: CompiledQuery,
): Promise<T[]> {
  const { origin, issuedAt, lock } = state;
  const arrays = readsFullRows(state);
  // toSQL() shows only text and values; a query that locks no rows only reads. Copied by name:
  // adding properties to a spread copy takes V8's slow path on Node 20 (~2 µs a query).
  const result = await source.connection.execute<Row | unknown[]>({
    text: statement.text,
    values: statement.values,
    origin,
    issuedAt,
    reads: !lock,
    arrays,
  });
  return recordsOfResult(source, state, result);
}

/**
 * The records of a batch of the query's rows, asked for as `fetchRecords` asks (one sibling
 * group), its includes loaded.
 */
export function recordsOfResult<T>(
  source: QuerySource<T>,
  state: QueryState,
  result: QueryResult<unknown>,
): Promise<T[]> {
  return readsFullRows(state)
    ? withIncludes(source, state, source.hydrateFull(result))
    : recordsOf(source, state, result.rows as Row[]);
}

/**
 * Whether the query's rows are the model's whole rows, nothing more: what `hydrateFull` reads.
 * A `select` leaves columns out; counts add their own.
 */
export function readsFullRows(state: QueryState): boolean {
  return state.select === undefined && state.counts === undefined;
}

/**
 * Sends a query's compiled SELECT, and answers its rows by name beside the records, for what
 * reads more than the model's columns (join keys, JSON includes).
 */
export async function fetchRecordsAndRows<T>(
  source: QuerySource<T>,
  state: QueryState,
  statement: CompiledQuery,
  /** Shown each row as it arrives (see `RowListener`). */
  onRow?: RowListener,
): Promise<{ records: T[]; rows: Row[] }> {
  const { origin, issuedAt, lock } = state;
  const { rows } = await source.connection.execute({
    text: statement.text,
    values: statement.values,
    origin,
    issuedAt,
    reads: !lock,
    onRow,
  });
  return { records: await recordsOf(source, state, rows), rows };
}

/** Hydrates one batch of rows (one sibling group) and loads the query's includes into it. */
export async function recordsOf<T>(
  source: QuerySource<T>,
  state: QueryState,
  rows: Row[],
): Promise<T[]> {
  const records = source.hydrate(rows, state.select !== undefined);
  if (state.counts) attachCounts(source.relations, records as object[], rows, state.counts);
  return withIncludes(source, state, records);
}

/** Loads the query's includes into its records (one sibling group). */
async function withIncludes<T>(
  source: QuerySource<T>,
  state: QueryState,
  records: T[],
): Promise<T[]> {
  const { includes, includeLoader } = state;
  if (includes?.length) {
    if (!includeLoader) {
      throw new OrmError(
        'INVALID_INCLUDE',
        `A ${source.meta.className} query built with new Query() cannot load includes; start it from the model (${source.meta.className}.all()) or its repository`,
      );
    }
    await includeLoader(source as unknown as QuerySource<object>, records as object[], includes);
  }
  return records;
}

/** The first record in the query's order (by primary key when unordered), or null. */
export function firstRecord<T>(source: QuerySource<T>, state: QueryState): Promise<T | null> {
  const order = state.order.length ? state.order : primaryKeyOrder(source.meta, 'ASC');
  return oneRecord(source, { ...state, order });
}

/** The last record: the query's order reversed (primary key descending when unordered). */
export async function lastRecord<T>(source: QuerySource<T>, state: QueryState): Promise<T | null> {
  if (state.limit !== undefined || state.offset !== undefined) {
    // reversing the order would pick another page: the last row of this one
    return (await selectRecords(source, state)).at(-1) ?? null;
  }
  if (state.order.some((o) => o.verbatim)) {
    throw new InvalidQueryError(
      `${source.meta.className}.last() cannot reverse a raw sql ordering; order by fields, or use first() with the reversed fragment`,
      source.meta.className,
    );
  }
  const order = state.order.length
    ? state.order.map(reversed)
    : primaryKeyOrder(source.meta, 'DESC');
  return oneRecord(source, { ...state, order });
}

/** A record of the query as it stands (no order added), or null: what `findBy` returns. */
export async function oneRecord<T>(source: QuerySource<T>, state: QueryState): Promise<T | null> {
  const [record] = await selectRecords(source, { ...state, limit: 1 });
  return record ?? null;
}

function selectRecords<T>(source: QuerySource<T>, state: QueryState): Promise<T[]> {
  return fetchRecords(source, state, compileSelect(source.meta, state));
}

function reversed(item: OrderNode): OrderNode {
  return {
    ...item,
    direction: item.direction === 'ASC' ? 'DESC' : 'ASC',
    ...(item.nulls && { nulls: item.nulls === 'FIRST' ? 'LAST' : 'FIRST' }),
  };
}

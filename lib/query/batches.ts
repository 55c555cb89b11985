import type { CompiledQuery } from '../sql/query-compiler';
import { streamRows } from './cursor-stream';
import { readsFullRows, recordsOfResult } from './finder-methods';
import type { QuerySource } from './query-source';
import type { QueryState } from './query-state';

/**
 * A query's records through a server-side cursor, `batchSize` rows per round trip: each batch
 * is hydrated, and its includes loaded, before the next is fetched, so memory stays constant.
 * Full rows of the model come as arrays, as a query's do (see `fetchRecords`).
 */
export async function* streamRecords<T>(
  source: QuerySource<T>,
  state: QueryState,
  statement: CompiledQuery,
  batchSize: number,
): AsyncGenerator<T> {
  const arrays = readsFullRows(state);
  for await (const batch of streamRows(source.connection, statement, batchSize, arrays)) {
    yield* await recordsOfResult(source, state, batch);
  }
}

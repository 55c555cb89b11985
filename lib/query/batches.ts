import type { CompiledQuery } from '../sql/query-compiler';
import { streamRows } from './cursor-stream';
import { recordsOf } from './finder-methods';
import type { QuerySource } from './query-source';
import type { QueryState } from './query-state';

/**
 * A query's records through a server-side cursor, `batchSize` rows per round trip: each batch
 * is hydrated, and its includes loaded, before the next is fetched, so memory stays constant.
 */
export async function* streamRecords<T>(
  source: QuerySource<T>,
  state: QueryState,
  statement: CompiledQuery,
  batchSize: number,
): AsyncGenerator<T> {
  for await (const rows of streamRows(source.connection, statement, batchSize)) {
    yield* await recordsOf(source, state, rows);
  }
}

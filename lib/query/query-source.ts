import type { Connection } from '../context/connection';
import type { QueryResult } from '../driver/driver';
import type { ModelMeta } from '../metadata/model-meta';

/**
 * Loaded relations of records, kept by the model layer. Records from one query share a
 * sibling group, so a lazy load fetches the relation for all of them at once.
 */
export interface RelationStore {
  isLoaded(record: object, property: string): boolean;
  get(record: object, property: string): unknown;
  /** Records the loaded value (a record, null, or an array). */
  set(record: object, property: string, value: unknown): void;
  /** The records loaded together with this one (itself included). */
  siblings(record: object): readonly object[];
  /** A promise per relation being loaded for a sibling group, so concurrent loads share it. */
  inflight(record: object): Map<string, Promise<unknown>>;
  /** Records a related-row count (`withCount`), which `countOf` then answers from. */
  setCount(record: object, property: string, count: number): void;
}

/** Where a query's rows come from and how they become records; supplied by the model layer. */
export interface QuerySource<T> {
  readonly meta: ModelMeta;
  readonly connection: Connection;
  /** Turns rows into records (one sibling group); `partial` when only some columns were selected. */
  hydrate(rows: Record<string, unknown>[], partial: boolean): T[];
  /**
   * Turns a statement's full rows of the model, asked for as arrays, into records (one sibling
   * group); rows that came as arrays become the records' states (they must not be used after).
   */
  hydrateFull(result: QueryResult<unknown>): T[];
  /**
   * The same for a JSON include's rows, each ending in a free slot (see `readAhead`).
   */
  hydratePositional(rows: unknown[][]): T[];
  /**
   * Builds the record of one such row ahead of `hydratePositional` (which adopts it), where
   * the model allows it: as the row arrives, outside the caller's async context.
   */
  readAhead(row: unknown[]): void;
  /** The source of a related model, on the same connection. */
  related(meta: ModelMeta): QuerySource<object>;
  /** After `updateAll`/`deleteAll`: loaded records of the model may no longer match rows. */
  afterBulkWrite(): void;
  readonly relations: RelationStore;
}

import type { Connection } from '../context/connection';
import type { ModelMeta } from '../metadata/model-meta';

/** Where a query's rows come from and how they become records; supplied by the model layer. */
export interface QuerySource<T> {
  readonly meta: ModelMeta;
  readonly connection: Connection;
  /** Turns rows into records; `partial` when only some columns were selected. */
  hydrate(rows: Record<string, unknown>[], partial: boolean): T[];
}

import type { Connection } from '../context/connection';
import type { ModelMeta } from '../metadata/model-meta';
import type { QuerySource } from '../query/query-source';
import { hydrateFullRows } from './full-rows';
import { hydrateRecords, readAhead } from './hydrator';
import { forgetModel } from './identity-map';
import { relationStore } from './relation-store';

const sourcesByConnection = new WeakMap<Connection, Map<ModelMeta, QuerySource<object>>>();

/**
 * The query source of a model on a connection: the model layer's side of the query layer's
 * `QuerySource` — how rows become records (hydration, the identity map), where loaded
 * relations are kept, and how to reach the sources of related models. One per model and
 * connection.
 */
export function querySource<T extends object>(
  meta: ModelMeta,
  connection: Connection,
): QuerySource<T> {
  let sources = sourcesByConnection.get(connection);
  if (!sources) sourcesByConnection.set(connection, (sources = new Map()));
  let source = sources.get(meta);
  if (!source) {
    source = {
      meta,
      connection,
      hydrate: (rows, partial) => hydrateRecords<object>(meta, rows, connection, partial),
      hydrateFull: (result) => hydrateFullRows<object>(meta, result, connection),
      hydratePositional: (rows) => hydrateRecords<object>(meta, rows, connection, 'positional'),
      readAhead: (row) => readAhead(meta, row),
      related: (other) => querySource(other, connection),
      afterBulkWrite: () => forgetModel(meta),
      relations: relationStore,
    };
    sources.set(meta, source);
  }
  return source as QuerySource<T>;
}

import { RelationNotLoadedError } from '../errors/relation-errors';
import type { QuerySource } from '../query/query-source';
import { loadRelation } from '../query/relation-loader';
import { stateOf } from '../model/record-state';
import { relationStore } from '../model/relation-store';
import type { ModelMeta } from '../metadata/model-meta';
import type { RelationMeta } from '../metadata/relation-meta';
import { loadedValue, NOT_LOADED } from './accessors';
import { relationNamed } from './relation-lookup';

type Row = Record<string, unknown>;

/** Reads the relation through its accessor, which knows when a value can answer unloaded. */
function readLoaded(record: object, name: string): unknown {
  try {
    return (record as Row)[name];
  } catch (error) {
    if (error instanceof RelationNotLoadedError) return NOT_LOADED;
    throw error;
  }
}

/**
 * `record.load('author')`: the relation, loaded for every not-yet-loaded sibling of the
 * record in one query, so a loop over a result set costs one query per relation.
 *
 * Not an async function: a loop awaits it once per record, and for all but the first the
 * relation is already there, so that path allocates nothing beyond the settled promise.
 */
export function loadAssociation(
  meta: ModelMeta,
  record: object,
  name: string,
  /** The record's query source, asked for only when a query may be needed. */
  sourceOf: (record: object) => QuerySource<object>,
): Promise<unknown> {
  try {
    const relation = relationNamed(meta, name);
    const state = stateOf(record);
    const loaded = loadedValue(record, state, relation);
    if (loaded !== NOT_LOADED) return Promise.resolve(loaded);
    // A new record answers without a query (asked only then, so that the common path does
    // not build an error to find out).
    if (!state.persisted) {
      const current = readLoaded(record, name);
      if (current !== NOT_LOADED) return Promise.resolve(current);
    }
    return loadForSiblings(sourceOf(record), record, name, relation);
  } catch (error) {
    return Promise.reject(error);
  }
}

async function loadForSiblings(
  source: QuerySource<object>,
  record: object,
  name: string,
  relation: RelationMeta,
): Promise<unknown> {
  const inflight = relationStore.inflight(record);
  const running = inflight.get(name);
  if (running) {
    await running;
    const after = readLoaded(record, name);
    if (after !== NOT_LOADED) return after;
  }
  const batch = relationStore
    .siblings(record)
    .filter(
      (r) =>
        r === record ||
        (stateOf(r).persisted &&
          !relationStore.isLoaded(r, name) &&
          r.constructor === record.constructor),
    );
  const origin =
    batch.length === 1
      ? `${source.meta.className} records were loaded one at a time, so their '${name}' loads cannot be batched: ` +
        `load them in one query with .include('${name}')`
      : undefined;
  const loading = loadRelation(source, batch, relation, undefined, origin);
  inflight.set(name, loading);
  try {
    await loading;
  } finally {
    if (inflight.get(name) === loading) inflight.delete(name);
  }
  return (record as Row)[name];
}

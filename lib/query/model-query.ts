import type { Query } from './query';
import type { QuerySource } from './query-source';
import { planJsonIncludes } from './json-include';
import { preloadIncludes } from './relation-loader';
import { startQuery } from './scopes';

/**
 * The starting query of a model (see `startQuery`), its includes loaded by the relation
 * loader or planned into its own statement (`planJsonIncludes`). Queries do not import the loader, which runs queries itself; it is handed to them
 * here, where both are known.
 */
export function createQuery<T>(source: QuerySource<T>): Query<T> {
  return startQuery(source, preloadIncludes, planJsonIncludes);
}

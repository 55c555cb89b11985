import type { RelationStore } from '../query/query-source';
import {
  forgetLoadedRelation,
  isRelationLoaded,
  loadedRelation,
  setLoadedRelation,
} from './loaded-relations';
import { stateOf } from './record-state';

/** Loaded relations kept in each record's private state. */
export const relationStore: RelationStore = {
  isLoaded: (record, property) => isRelationLoaded(stateOf(record), property),
  get: (record, property) => loadedRelation(stateOf(record), property),
  set: (record, property, value) => {
    const state = stateOf(record);
    setLoadedRelation(state, property, value);
    state.counts?.delete(property);
  },
  siblings: (record) => stateOf(record).siblings?.records ?? [record],
  setCount: (record, property, count) => {
    const state = stateOf(record);
    (state.counts ??= new Map()).set(property, count);
  },
  inflight: (record) => {
    const state = stateOf(record);
    const group = (state.siblings ??= { records: [record] });
    return (group.inflight ??= new Map());
  },
};

/** Forgets a loaded relation (after a write that changed it in the database). */
export function forgetRelation(record: object, property: string): void {
  const state = stateOf(record);
  forgetLoadedRelation(state, property);
  state.counts?.delete(property);
}

import type { RecordState } from './record-state';

/** A record's loaded relations: a record, null, or an array of records per relation name. */
export type LoadedRelations = Record<string, unknown>;

/**
 * Its objects hold nothing but own data properties: with no `Object.prototype` in their chain,
 * a relation named `__proto__` or `constructor` is a property like any other. An object rather
 * than a Map: a lazy load or an include gives one to every record it reaches, and a Map with
 * one entry takes three times the memory (its hash table is allocated for four).
 */
const Relations = function LoadedRelations() {} as unknown as new () => LoadedRelations;
Relations.prototype = Object.create(null) as object;

export function isRelationLoaded(state: RecordState, name: string): boolean {
  return state.relations !== undefined && Object.hasOwn(state.relations, name);
}

/** The loaded value; undefined when not loaded (ask `isRelationLoaded` when it matters). */
export function loadedRelation(state: RecordState, name: string): unknown {
  const relations = state.relations;
  return relations !== undefined && Object.hasOwn(relations, name) ? relations[name] : undefined;
}

export function setLoadedRelation(state: RecordState, name: string, value: unknown): void {
  (state.relations ??= new Relations())[name] = value;
}

export function forgetLoadedRelation(state: RecordState, name: string): void {
  if (isRelationLoaded(state, name)) delete state.relations![name];
}

import type { ModelMeta } from '../metadata/model-meta';
import { loadedRelationsOf } from './record-state';

/** Options of `serialize()`: fields (attributes or relations) to keep or to leave out. */
export interface SerializeOptions<K extends string> {
  only?: readonly K[];
  except?: readonly K[];
}

/** The record as a plain object: visible attributes that are loaded, and loaded relations. */
export function serializeRecord(
  meta: ModelMeta,
  record: object,
  options: SerializeOptions<string>,
): Record<string, unknown> {
  const only = options.only ? new Set<string>(options.only as readonly string[]) : undefined;
  const except = new Set<string>((options.except ?? []) as readonly string[]);
  const keep = (name: string) => (!only || only.has(name)) && !except.has(name);
  const json: Record<string, unknown> = {};
  const source = record as Record<string, unknown>;
  for (const field of meta.columns) {
    const value = source[field.property];
    // Hidden fields stay out even when asked for by `only`: they never reach a response.
    if (value !== undefined && !meta.hidden.has(field.property) && keep(field.property)) {
      json[field.property] = value;
    }
  }
  const relations = loadedRelationsOf(record);
  if (relations)
    for (const name of Object.keys(relations)) if (keep(name)) json[name] = relations[name];
  return json;
}

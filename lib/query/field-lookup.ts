import { UnknownFieldError } from '../errors/invalid-query-error';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';

/** The error for a key that is neither a field nor a relation of the model; it lists both. */
export function unknownField(meta: ModelMeta, key: string): UnknownFieldError {
  return new UnknownFieldError(meta.className, key, meta.fieldNames, meta.relationNames);
}

/** The column a query names by property, checked: nothing reaches SQL the model does not declare. */
export function fieldOf(meta: ModelMeta, property: string): ColumnMeta {
  const field = meta.column(property);
  if (!field) throw unknownField(meta, property);
  return field;
}

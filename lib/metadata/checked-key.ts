import { InvalidKeyError, UnknownFieldError } from '../errors/invalid-query-error';
import { isPlainObject } from '../util/objects';
import { checkedValue } from './checked-value';
import type { ModelMeta } from './model-meta';
import { describeValueKind } from './value-checks';

/**
 * The key values (checked and converted for the driver, in key order) of a `find` argument:
 * the value of a single-column key, or an object with exactly the key's properties
 * (`{ tenantId: 1, id: 7 }`, which a single key accepts too).
 */
export function checkedKey(meta: ModelMeta, input: unknown): unknown[] {
  const key = meta.key;
  if (!isPlainObject(input)) {
    if (key.composite) {
      throw new InvalidKeyError(meta.className, key.properties, `got ${describeValueKind(input)}`);
    }
    return [checkedValue(meta, key.columns[0]!, input)];
  }
  for (const property of Object.keys(input)) {
    const column = meta.column(property);
    if (!column) throw new UnknownFieldError(meta.className, property, meta.fieldNames);
    if (column.role !== 'primaryKey') {
      throw new InvalidKeyError(meta.className, key.properties, `${property} is not part of it`);
    }
  }
  const missing = key.properties.filter((p) => !Object.hasOwn(input, p));
  if (missing.length) {
    throw new InvalidKeyError(meta.className, key.properties, `${missing.join(', ')} missing`);
  }
  return key.columns.map((column) => checkedValue(meta, column, input[column.property]));
}

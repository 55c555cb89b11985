import { InvalidQueryError, InvalidValueError } from '../errors/invalid-query-error';
import { checkedValue } from '../metadata/checked-value';
import type { ModelMeta } from '../metadata/model-meta';
import { param, type Expr } from '../sql/nodes';
import { SqlFragment } from '../sql/sql-fragment';
import { isPlainObject } from '../util/objects';
import { unknownField } from './field-lookup';

/**
 * `SET` assignments for `updateAll`: every key must be a field, every value fit its type
 * (null only where the field is nullable), or be a `sql` fragment such as `sql\`count + 1\``.
 */
export function assignmentsFor(
  meta: ModelMeta,
  input: Record<string, unknown>,
): Array<readonly [string, Expr]> {
  if (!isPlainObject(input))
    throw new InvalidQueryError(
      `${meta.className}.updateAll() expects an object of fields`,
      meta.className,
    );
  const set: Array<readonly [string, Expr]> = [];
  for (const key of Object.keys(input)) {
    const field = meta.column(key);
    if (!field) throw unknownField(meta, key);
    const value = input[key];
    if (value === undefined) continue;
    if (value instanceof SqlFragment) set.push([field.name, { kind: 'fragment', fragment: value }]);
    else if (value === null) {
      if (!field.nullable)
        throw new InvalidValueError(
          meta.className,
          key,
          'a value (the field is not nullable)',
          'null',
        );
      set.push([field.name, param(null)]);
    } else set.push([field.name, param(checkedValue(meta, field, value))]);
  }
  if (set.length === 0)
    throw new InvalidQueryError(
      `${meta.className}.updateAll() needs at least one field to set`,
      meta.className,
    );
  return set;
}

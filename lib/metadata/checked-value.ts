import { InvalidValueError } from '../errors/invalid-query-error';
import type { ColumnMeta, ModelMeta } from './model-meta';
import { describeValueKind } from './value-checks';

/**
 * Checks one value against the field's type and converts it for the driver; null and undefined
 * are refused (a query says `isNull`, a write checks nullability itself).
 */
export function checkedValue(meta: ModelMeta, field: ColumnMeta, value: unknown): unknown {
  if (value === null || value === undefined) {
    throw new InvalidValueError(
      meta.className,
      field.property,
      'a value (use isNull for NULL)',
      describeValueKind(value),
    );
  }
  const fault = field.check(value);
  if (fault)
    throw new InvalidValueError(meta.className, field.property, fault, describeValueKind(value));
  return field.toDriver(value);
}

import {
  InvalidQueryError,
  InvalidValueError,
  UnknownFieldError,
} from '../errors/invalid-query-error';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { describeValueKind } from '../metadata/value-checks';
import { isPlainObject } from '../util/objects';

/**
 * Copies input (often a request body) onto a record, field by field. Unknown keys —
 * including `__proto__` and `constructor` — and values of the wrong type are refused with a
 * typed error before anything is assigned.
 */
export function assignAttributes(meta: ModelMeta, record: object, input: unknown): void {
  if (input === undefined || input === null) return;
  if (!isPlainObject(input) && !(typeof input === 'object' && !Array.isArray(input))) {
    throw new InvalidQueryError(`${meta.className} attributes must be an object`, meta.className);
  }
  const source = input as Record<string, unknown>;
  const keys = Object.keys(source);
  for (const key of keys) {
    const field = meta.column(key);
    if (!field) throw new UnknownFieldError(meta.className, key, meta.fieldNames);
    checkAssignable(meta, field, source[key]);
  }
  const target = record as Record<string, unknown>;
  for (const key of keys) if (source[key] !== undefined) target[key] = source[key];
}

/** Throws when a value cannot be stored in the field; undefined means "not given". */
export function checkAssignable(meta: ModelMeta, field: ColumnMeta, value: unknown): void {
  if (value === undefined) return;
  if (value === null) {
    if (field.nullable) return;
    throw new InvalidValueError(
      meta.className,
      field.property,
      `a value (${field.property} is not nullable)`,
      'null',
    );
  }
  const fault = field.check(value);
  if (fault)
    throw new InvalidValueError(meta.className, field.property, fault, describeValueKind(value));
}

/** Applies literal and function defaults to fields the input left undefined. */
export function applyDefaults(meta: ModelMeta, record: object): void {
  const target = record as Record<string, unknown>;
  for (const field of meta.columns) {
    if (target[field.property] !== undefined || !hasModelDefault(field)) continue;
    target[field.property] = modelDefault(field);
  }
}

/** Whether the column declares a default the ORM computes (a literal or a function, not SQL). */
export function hasModelDefault(field: ColumnMeta): boolean {
  const d = field.default;
  return d !== undefined && (d === null || typeof d !== 'object');
}

/** A fresh value of the column's literal or function default. */
export function modelDefault(field: ColumnMeta): unknown {
  const d = field.default;
  return typeof d === 'function' ? d() : d;
}

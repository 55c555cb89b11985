import { getMetadataStorage, validate, type ValidationError as RuleFailure } from 'class-validator';
import type { ModelMeta } from '../metadata/model-meta';

const hasRules = new WeakMap<ModelMeta, boolean>();

/** Whether the model class (or an ancestor) carries class-validator rules. */
export function hasValidationRules(meta: ModelMeta): boolean {
  let known = hasRules.get(meta);
  if (known === undefined) {
    known =
      getMetadataStorage().getTargetValidationMetadatas(meta.modelClass, '', true, false).length >
      0;
    hasRules.set(meta, known);
  }
  return known;
}

/**
 * Runs the model's class-validator rules; resolves to messages per field, or undefined when
 * the record is valid. A persisted record skips fields it did not load (`select()`).
 */
export async function validationErrors(
  meta: ModelMeta,
  record: object,
  persisted: boolean,
): Promise<Record<string, string[]> | undefined> {
  if (!hasValidationRules(meta)) return undefined;
  const failures = await validate(record, {
    skipUndefinedProperties: persisted,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (failures.length === 0) return undefined;
  const errors: Record<string, string[]> = {};
  collect(failures, '', errors);
  return errors;
}

function collect(failures: readonly RuleFailure[], prefix: string, into: Record<string, string[]>) {
  for (const failure of failures) {
    const path = prefix + failure.property;
    if (failure.constraints) (into[path] ??= []).push(...Object.values(failure.constraints));
    if (failure.children?.length) collect(failure.children, path + '.', into);
  }
}

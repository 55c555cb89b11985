import { OrmError } from './orm-error';

/**
 * `save()` found invalid attributes (class-validator rules on the model); nothing was written.
 * `errors` maps each field to its messages. HTTP 400.
 *
 * @example
 * catch (e) { if (e instanceof ValidationError) return { errors: e.errors }; }
 */
export class ValidationError extends OrmError {
  constructor(
    readonly model: string,
    readonly errors: Readonly<Record<string, readonly string[]>>,
  ) {
    const summary = Object.entries(errors)
      .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
      .join('; ');
    super('VALIDATION_FAILED', `${model} is invalid: ${summary}`);
  }
}

/**
 * The row changed (or was deleted) since this record was loaded: its `@Version()` no longer
 * matches, so the UPDATE or DELETE changed nothing. Reload and try again. HTTP 409.
 */
export class StaleRecordError extends OrmError {
  constructor(
    readonly model: string,
    readonly id: unknown,
  ) {
    super(
      'STALE_RECORD',
      `${model} ${typeof id === 'object' && id !== null ? JSON.stringify(id) : String(id)} was changed or deleted by someone else since it was loaded; reload it and try again`,
    );
  }
}

/** A `before*` hook returned false or threw: the save or destroy was aborted, nothing written. */
export class RecordNotSavedError extends OrmError {
  constructor(
    readonly model: string,
    readonly hook: string,
    cause?: unknown,
  ) {
    super('ABORTED_BY_HOOK', `${model}.${hook} aborted the operation; nothing was written`);
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

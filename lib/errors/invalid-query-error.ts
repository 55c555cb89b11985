import { OrmError } from './orm-error';

/**
 * Thrown before any SQL is sent when a query or write names something the model does not
 * have (an unknown field, operator or direction, a `__proto__` key) or passes a value of the
 * wrong type. Input from JSON reaches the database only after passing these checks.
 *
 * @example
 * User.where({ ['nmae' as 'name']: 'x' }); // InvalidQueryError: User has no field "nmae"
 */
export class InvalidQueryError extends OrmError {
  constructor(
    message: string,
    readonly model?: string,
    readonly field?: string,
  ) {
    super('INVALID_QUERY', message);
  }
}

/** An unknown field in a filter, an ordering, or `build`/`create`/`update`/`insertAll`/`updateAll` input. */
export class UnknownFieldError extends InvalidQueryError {
  constructor(
    model: string,
    field: string,
    known: readonly string[],
    relations: readonly string[] = [],
  ) {
    super(
      `${model} has no field ${JSON.stringify(field)}; known fields: ${known.join(', ')}` +
        (relations.length ? `; relations: ${relations.join(', ')}` : ''),
      model,
      field,
    );
  }
}

/** A value whose JavaScript type does not fit the column. The value itself is not quoted. */
export class InvalidValueError extends InvalidQueryError {
  constructor(model: string, field: string, expected: string, got: string) {
    super(`${model}.${field} expects ${expected}, got ${got}`, model, field);
  }
}

/**
 * A primary key given to `find` that does not match the model's key: a composite key needs an
 * object with each of its properties and nothing else (`{ tenantId: 1, id: 7 }`).
 */
export class InvalidKeyError extends InvalidQueryError {
  constructor(
    model: string,
    readonly keyFields: readonly string[],
    problem: string,
  ) {
    super(
      `${model}.find() takes ${keyFields.length > 1 ? 'its key as an object' : 'its key'} { ${keyFields.join(', ')} }: ${problem}`,
      model,
    );
  }
}

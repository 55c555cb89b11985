import { OrmError } from './orm-error';

/**
 * Thrown by `find` (and `first!`-style lookups) when no row matches. Maps to HTTP 404.
 *
 * @example
 * await User.find(42); // RecordNotFoundError: User with id 42 was not found
 */
export class RecordNotFoundError extends OrmError {
  constructor(
    readonly model: string,
    readonly criteria?: string,
  ) {
    super(
      'RECORD_NOT_FOUND',
      criteria ? `${model} with ${criteria} was not found` : `No ${model} matched the query`,
    );
  }
}

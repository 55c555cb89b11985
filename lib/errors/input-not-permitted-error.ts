import { OrmError } from './orm-error';

/**
 * Request input that a `permitQuery` policy does not allow: a field the endpoint does not let
 * clients filter or sort by, an operator in place of a value, a list or string past its limit,
 * a page size past the maximum. `parameter` names the offending part of the request as the
 * client wrote it (`filter[author.username]`, `sort`, `limit`); the value itself is not quoted.
 *
 * @example
 * posts.apply({ filter: { passwordHash: { ne: '' } } }); // InputNotPermittedError (400)
 */
export class InputNotPermittedError extends OrmError {
  constructor(
    readonly parameter: string,
    readonly reason: string,
  ) {
    super('INPUT_NOT_PERMITTED', `${parameter}: ${reason}`);
  }
}

import { OrmError } from './orm-error';

/**
 * The same statement ran `count` times in one request or context, with `nPlusOne.strict`
 * on (meant for tests). The message names the call site and the fix.
 */
export class NPlusOneError extends OrmError {
  constructor(
    message: string,
    readonly statement: string,
    readonly count: number,
  ) {
    super('N_PLUS_ONE', message);
  }
}

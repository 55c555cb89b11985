import { OrmError } from './orm-error';

/**
 * The database could not be reached, refused the login, or the pool could not hand out a
 * connection in time. The message names host, port and database — never the password.
 *
 * @example
 * await Orm.connect({ url }); // ConnectionError: Could not connect to PostgreSQL at db:5432/app: connection refused
 */
export class ConnectionError extends OrmError {
  constructor(
    message: string,
    readonly target?: string,
  ) {
    super('CONNECTION_FAILED', message);
  }
}

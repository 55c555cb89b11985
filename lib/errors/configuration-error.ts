import { OrmError } from './orm-error';

/**
 * The connection options cannot work as given (read replicas on embedded PostgreSQL, a bound
 * that is not a number). Thrown by `Orm.connect` before anything is opened.
 *
 * @example
 * await Orm.connect({ replicas: ['postgres://replica/app'] }); // ConfigurationError: no url
 */
export class ConfigurationError extends OrmError {
  constructor(message: string) {
    super('INVALID_CONFIGURATION', message);
  }
}

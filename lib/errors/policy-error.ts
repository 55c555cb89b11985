import { OrmError } from './orm-error';

/**
 * A `permitQuery` policy the models cannot honour — a field that does not exist, a `@Hidden()`
 * field granted to clients, an operator that does not fit the field's type. The developer's
 * mistake, found when the policy is first used, before any request input is read.
 */
export class PolicyError extends OrmError {
  constructor(message: string) {
    super('INVALID_POLICY', message);
  }
}

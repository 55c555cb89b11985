import { Inject } from '@nestjs/common';
import { getOrmToken, getRepositoryToken } from './orm.tokens';

/**
 * Injects `Repository<Model>` (registered with `OrmModule.forFeature([Model])`).
 *
 * @example
 * constructor(@InjectRepository(User) private readonly users: Repository<User>) {}
 */
export function InjectRepository(
  model: { name: string },
  connection?: string,
): ParameterDecorator & PropertyDecorator {
  return Inject(getRepositoryToken(model, connection));
}

/**
 * Injects the `Orm` of a named connection (the default one is injectable as `Orm`).
 *
 * @example
 * constructor(@InjectOrm('analytics') private readonly analytics: Orm) {}
 */
export function InjectOrm(connection?: string): ParameterDecorator & PropertyDecorator {
  return Inject(getOrmToken(connection));
}

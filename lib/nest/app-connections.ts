import type { ModulesContainer } from '@nestjs/core';
import { OrmError } from '../errors/orm-error';
import { ORM_CONNECTION_NAME } from './orm.tokens';

/**
 * The connection names of one Nest app, one per `OrmModule.forRoot`/`forRootAsync`, read from
 * the app's own module container: several apps in one process (tests) never see each other's.
 */
export function appConnectionNames(modules: ModulesContainer): string[] {
  const names: string[] = [];
  for (const module of modules.values()) {
    // Only the ORM's core modules provide this token, each its own name.
    const wrapper = module.providers.get(ORM_CONNECTION_NAME);
    if (wrapper) names.push(wrapper.instance as string);
  }
  return names;
}

/**
 * Fails start-up when two connections of the app share `name`: both would claim the same
 * tokens, and repositories and `@Transactional` would reach one of them at random. Called
 * before a connection opens, so a refused start-up leaves nothing open.
 */
export function refuseDuplicateConnection(modules: ModulesContainer, name: string): void {
  const count = appConnectionNames(modules).filter((n) => n === name).length;
  if (count > 1) {
    throw new OrmError(
      'DUPLICATE_CONNECTION',
      `${count} OrmModule.forRoot()/forRootAsync() calls open a connection named "${name}": ` +
        `give each connection its own name (forRoot({ name: 'analytics', … })) and use it in ` +
        `forFeature([Model], 'analytics') and @InjectRepository(Model, 'analytics')`,
    );
  }
}

import { Logger } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { OrmError } from '../errors/orm-error';
import { Migrator } from '../migrations/migrator';
import { Orm } from '../connection/orm';
import { refuseDuplicateConnection } from './app-connections';
import type { OrmModuleOptions } from './interfaces/orm-module-options';
import { logQuery } from './query-logger';

const nPlusOneLogger = new Logger('Orm N+1');
const migrationLogger = new Logger('Orm migrations');

/**
 * Opens the connection `name` of an app at start-up: refuses a name another `forRoot` of the
 * same app already uses (before anything is opened), connects, applies pending migrations
 * when asked, and plugs statement logging into Nest's Logger.
 */
export async function openConnection(
  options: OrmModuleOptions,
  name: string,
  modules: ModulesContainer,
): Promise<Orm> {
  refuseDuplicateConnection(modules, name);
  if (options.name !== undefined && options.name !== name) {
    throw new OrmError(
      'CONNECTION_NAME_MISMATCH',
      `OrmModule.forRootAsync({ name: '${name}' }) received options named "${options.name}": ` +
        `the name belongs in forRootAsync's own options, where it names the injection tokens`,
    );
  }
  const {
    logging,
    unitOfWork: _unitOfWork,
    migrations,
    requestContext: _requestContext,
    ...connection
  } = options;
  const orm = await Orm.connect({
    onNPlusOne: (report) => nPlusOneLogger.warn(report.message),
    ...connection,
    name,
  });
  if (migrations?.run) {
    try {
      const applied = await new Migrator(orm, {
        log: (line) => migrationLogger.log(line),
        ...migrations,
      }).migrate();
      if (applied.length) migrationLogger.log(`${applied.length} migration(s) applied`);
    } catch (error) {
      // Start-up fails; the connection must not keep the process alive.
      await orm.close();
      throw error;
    }
  }
  if (logging) orm.onQuery(logQuery);
  return orm;
}

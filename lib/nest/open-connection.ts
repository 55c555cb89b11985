import { Logger } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { OrmError } from '../errors/orm-error';
import { connectMigrated } from '../migrations/migrated-database';
import { Orm } from '../connection/orm';
import type { NPlusOneReport } from '../connection/n-plus-one-detector';
import type { ReplicaChange } from '../connection/replicas/replica-status';
import { refuseDuplicateConnection } from './app-connections';
import type { OrmModuleOptions } from './interfaces/orm-module-options';
import { logQuery } from './query-logger';

const nPlusOneLogger = new Logger('Orm N+1');
const migrationLogger = new Logger('Orm migrations');
const replicaLogger = new Logger('Orm replicas');

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
  const settings = {
    onNPlusOne: (report: NPlusOneReport) => nPlusOneLogger.warn(report.message),
    onReplicaChange: (change: ReplicaChange) =>
      change.inRotation ? replicaLogger.log(change.message) : replicaLogger.warn(change.message),
    ...connection,
    name,
  };
  let orm: Orm;
  if (migrations?.run) {
    const { run: _run, ...migrationOptions } = migrations;
    // In memory, a boot after the first with the same migration files starts from a copy of
    // the migrated database instead of migrating again (see connectMigrated).
    const migrated = await connectMigrated(settings, {
      log: (line) => migrationLogger.log(line),
      ...migrationOptions,
    });
    orm = migrated.orm;
    if (migrated.applied.length) {
      migrationLogger.log(`${migrated.applied.length} migration(s) applied`);
    }
  } else {
    orm = await Orm.connect(settings);
  }
  if (logging) orm.onQuery(logQuery);
  return orm;
}

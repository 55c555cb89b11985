import { SchematicsException, type Rule } from '@angular-devkit/schematics';
import { nextMigrationTimestamp } from '../utils/migration-order';
import { pascal, snake } from '../utils/names';
import { renderMigration } from '../utils/render';
import { projectPaths } from '../utils/workspace';

export interface OrmMigrationOptions {
  name: string;
  project?: string;
  /** Folder of migrations (default: the CLI config's, else `migrations` in the source root). */
  directory?: string;
}

/** `nest g orm-migration AddSlugToArticles`: an empty, timestamped migration class. */
export function ormMigration(options: OrmMigrationOptions): Rule {
  return (tree) => {
    if (!options.name || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(options.name)) {
      throw new SchematicsException(`Not a migration name: ${JSON.stringify(options.name)}`);
    }
    const folder = options.directory ?? projectPaths(tree, options.project, undefined).migrations;
    tree.create(
      `${folder}/${nextMigrationTimestamp(tree, folder)}_${snake(options.name)}.ts`,
      renderMigration(pascal(options.name), [], []),
    );
    return tree;
  };
}

import { SchematicsException, type Rule, type Tree } from '@angular-devkit/schematics';
import { FieldError, parseFields, type FieldSpec } from '../utils/fields';
import { nearestModule, registerModel } from '../utils/module-registration';
import { featureFolder, kebab, pascal, tableName, timestamp } from '../utils/names';
import { renderCreateMigration, renderModel, renderModelSpec } from '../utils/render';
import { projectPaths } from '../utils/workspace';

export interface OrmModelOptions {
  name: string;
  /** `title:string body:text author:belongs_to …` (space or comma separated). */
  fields?: string | string[];
  path?: string;
  project?: string;
  flat?: boolean;
  spec?: boolean;
  skipImport?: boolean;
  /** Skip the migration (the resource schematic writes its own). */
  skipMigration?: boolean;
}

export function fieldsOf(options: { name: string; fields?: string | string[] }): FieldSpec[] {
  try {
    return parseFields(options.fields, options.name);
  } catch (error) {
    if (error instanceof FieldError) throw new SchematicsException(error.message);
    throw error;
  }
}

/** Files of a model: where they go, and whether it exists already. */
export function modelPaths(tree: Tree, options: OrmModelOptions) {
  if (!options.name || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(options.name)) {
    throw new SchematicsException(`Not a model name: ${JSON.stringify(options.name)}`);
  }
  const paths = projectPaths(tree, options.project, options.path);
  const folder = options.flat
    ? paths.sourceRoot
    : `${paths.sourceRoot}/${featureFolder(options.name)}`;
  return {
    ...paths,
    folder,
    model: `${folder}/${kebab(options.name)}.model.ts`,
    spec: `${folder}/${kebab(options.name)}.model.spec.ts`,
    migration: `${paths.migrations}/${timestamp()}_create_${tableName(options.name)}.ts`,
  };
}

/**
 * `nest g orm-model Article` / `nest-ar generate model Article title:string author:belongs_to`:
 * the model, a migration creating its table (and join tables), registration in the nearest
 * module's `OrmModule.forFeature`, and a spec. Existing files are never overwritten.
 */
export function ormModel(options: OrmModelOptions): Rule {
  return (tree) => {
    const fields = fieldsOf(options);
    const paths = modelPaths(tree, options);
    tree.create(paths.model, renderModel(options.name, fields, !!options.flat));
    if (options.spec !== false) tree.create(paths.spec, renderModelSpec(options.name));
    if (!options.skipMigration) {
      tree.create(
        paths.migration,
        renderCreateMigration(options.name, fields, `Create${pascal(tableName(options.name))}`),
      );
    }
    if (!options.skipImport) {
      const module = nearestModule(tree, paths.folder, paths.sourceRoot);
      if (module) registerModel(tree, module, pascal(options.name), paths.model);
    }
    return tree;
  };
}

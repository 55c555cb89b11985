import { SchematicsException, type Rule, type Tree } from '@angular-devkit/schematics';
import { appConventions } from '../utils/app-conventions';
import { appModels } from '../utils/app-models';
import { FieldError, parseFields, type FieldSpec } from '../utils/fields';
import { nextMigrationTimestamp } from '../utils/migration-order';
import { nearestModule, registerModel, registerModelInConfig } from '../utils/module-registration';
import { featureFolder, kebab, pascal, tableName } from '../utils/names';
import {
  modelFileNames,
  renderCreateMigration,
  renderModel,
  renderModelSpec,
  type RenderContext,
} from '../utils/render';
import { projectPaths } from '../utils/workspace';
import { ensureOrmSetup } from '../orm-init';

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
  /** Leave the module alone (the resource schematic registers the model in its own module). */
  skipModuleRegistration?: boolean;
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
  if (modelFileNames.includes(pascal(options.name))) {
    throw new SchematicsException(
      `A model cannot be named ${pascal(options.name)}: nestjs-active-record exports that name, ` +
        `which its model file imports. Choose another, e.g. ${pascal(options.name)}Entry`,
    );
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
  };
}

/**
 * The app's models with the new one, after checking that every relation's target exists: an
 * import of a missing file, or a foreign key to a table no migration creates, fails later and
 * further from the cause.
 */
export function renderContext(
  tree: Tree,
  options: OrmModelOptions,
  fields: readonly FieldSpec[],
  modelFile: string,
  sourceRoot: string,
): RenderContext {
  const models = appModels(tree, sourceRoot);
  const className = pascal(options.name);
  if (models.has(className)) {
    throw new SchematicsException(
      `${className} exists already (${models.get(className)}): nothing was written`,
    );
  }
  models.set(className, modelFile);
  const missing = [
    ...new Set(fields.filter((f) => f.target && !models.has(f.target)).map((f) => f.target!)),
  ];
  if (missing.length) {
    const relation = fields.find((f) => f.target === missing[0])!;
    throw new SchematicsException(
      `${className}.${relation.name} refers to ${missing.join(', ')}, which ${missing.length > 1 ? 'are not models' : 'is not a model'} ` +
        `of this app yet. Generate ${missing.length > 1 ? 'them' : 'it'} first, then run this again:\n` +
        missing.map((m) => `  npx nest-ar generate model ${m} name:string`).join('\n'),
    );
  }
  return { conventions: appConventions(tree, sourceRoot), models };
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
    const context = renderContext(tree, options, fields, paths.model, paths.sourceRoot);
    if (!options.skipImport) ensureOrmSetup(tree, paths, context.conventions);
    tree.create(paths.model, renderModel(options.name, paths.model, fields, context));
    if (options.spec !== false) {
      tree.create(
        paths.spec,
        renderModelSpec(options.name, paths.spec, paths.model, fields, context),
      );
    }
    if (!options.skipMigration) {
      const migration = `${paths.migrations}/${nextMigrationTimestamp(tree, paths.migrations)}_create_${tableName(options.name)}.ts`;
      tree.create(
        migration,
        renderCreateMigration(options.name, fields, `Create${pascal(tableName(options.name))}`),
      );
    }
    if (!options.skipImport) {
      const module = options.skipModuleRegistration
        ? undefined
        : nearestModule(tree, paths.folder, paths.sourceRoot);
      if (module) registerModel(tree, module, pascal(options.name), paths.model, context);
      registerModelInConfig(tree, pascal(options.name), paths.model, context);
    }
    return tree;
  };
}

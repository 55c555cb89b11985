import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';

const schematics: Record<string, string> = {
  init: 'orm-init',
  model: 'orm-model',
  resource: 'orm-resource',
  migration: 'orm-migration',
};

export interface GenerateOptions {
  kind: string;
  name: string;
  fields: string[];
  flat: boolean;
  spec: boolean;
  dryRun: boolean;
  path?: string;
  project?: string;
}

/**
 * `nest-ar generate model Article title:string author:belongs_to`: the package's schematics with
 * the full field list (the Nest CLI forwards only a name and a path). Prints what it creates or
 * updates; an existing file is reported and left alone (the run fails, nothing is written).
 */
export async function generate(
  options: GenerateOptions,
  out: (line: string) => void,
): Promise<number> {
  const schematic = schematics[options.kind];
  if (!schematic) {
    out(`generate takes one of ${Object.keys(schematics).join(', ')} (got ${options.kind})`);
    return 2;
  }
  const { NodeWorkflow } = await import('@angular-devkit/schematics/tools/index.js');
  const workflow = new NodeWorkflow(process.cwd(), {
    force: false,
    dryRun: options.dryRun,
    packageManager: 'npm',
  });
  let failed = false;
  let reported = false;
  workflow.reporter.subscribe((event) => {
    reported = true;
    const path = event.path.replace(/^\//, '');
    if (event.kind === 'error') {
      failed = true;
      out(
        `ERROR ${path} ${event.description === 'alreadyExist' ? 'already exists' : 'does not exist'}`,
      );
    } else out(`${event.kind.toUpperCase()} ${path}`);
  });
  const schematicOptions: Record<string, unknown> =
    options.kind === 'init' ? {} : { name: options.name };
  if (options.kind === 'init') {
    if (options.path) schematicOptions.path = options.path;
  } else if (options.kind !== 'migration') {
    Object.assign(schematicOptions, {
      fields: options.fields.join(' '),
      flat: options.flat,
      spec: options.spec,
    });
    if (options.path) schematicOptions.path = options.path;
  }
  if (options.project) schematicOptions.project = options.project;
  try {
    await lastValueFrom(
      workflow.execute({
        collection: join(__dirname, '../../schematics/collection.json'),
        schematic,
        options: schematicOptions,
        allowPrivate: true,
      }),
      { defaultValue: undefined },
    );
  } catch (error) {
    if (!failed) out(`ERROR ${(error as Error).message}`);
    return 1;
  }
  if (!reported) out('Nothing to change');
  if (options.dryRun) out('Dry run: nothing was written');
  return failed ? 1 : 0;
}

// Writes the files `nest new` writes: the `application` schematic of @nestjs/schematics, offline.
// Usage: node new-nest-app.cjs <parent folder> <name> <esm|cjs>
// (A plain Node process: the devkit loads an ES module through require(), which Jest cannot.)
const { schema } = require('@angular-devkit/core');
const { NodeWorkflow } = require('@angular-devkit/schematics/tools');
const { lastValueFrom } = require('rxjs');

const [parent, name, type] = process.argv.slice(2);
const workflow = new NodeWorkflow(parent, {
  force: false,
  dryRun: false,
  packageManager: 'npm',
  schemaValidation: true,
});
// As the schematics CLI that `nest new` runs: options left out take their schema defaults.
workflow.registry.addPostTransform(schema.transforms.addUndefinedDefaults);
lastValueFrom(
  workflow.execute({
    collection: '@nestjs/schematics',
    schematic: 'application',
    options: { name, directory: name, type, packageManager: 'npm' },
    allowPrivate: true,
  }),
  { defaultValue: undefined },
).then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

import { SchematicsException, type Rule } from '@angular-devkit/schematics';
import { fieldsOf, modelPaths, ormModel, renderContext, type OrmModelOptions } from '../orm-model';
import type { FieldSpec } from '../utils/fields';
import { nearestModule, registerModule } from '../utils/module-registration';
import { camel, featureFolder, kebab, pascal } from '../utils/names';
import { relativeImport, type RenderContext } from '../utils/render';

export type OrmResourceOptions = OrmModelOptions;

/** Names the resource's files import from Nest and the package; the model must not shadow them. */
const frameworkNames = new Set([
  'Body',
  'Controller',
  'Delete',
  'Get',
  'HttpCode',
  'Injectable',
  'InjectRepository',
  'Module',
  'OrmModule',
  'Param',
  'ParseIntPipe',
  'Patch',
  'Post',
  'Query',
  'Repository',
  'permitQuery',
]);

/** A DTO property: the model's type, with class-validator rules. */
function dtoProperty(field: FieldSpec, optional: boolean): string[] {
  if (field.kind === 'manyToMany' || field.kind === 'hasMany') return [];
  const name = field.kind === 'belongsTo' ? `${field.name}Id` : field.name;
  const rules = field.kind === 'belongsTo' ? ['IsInt'] : field.validators;
  const decorators = [...(optional || field.nullable ? ['IsOptional'] : []), ...rules].map((r) =>
    r.includes('(') ? `@${r}` : `@${r}()`,
  );
  const type = field.kind === 'belongsTo' ? 'number' : field.tsType.replace(/ \| null$/, '');
  const nullable = field.nullable ? ' | null' : '';
  return [
    `  ${decorators.join(' ')}`,
    `  ${name}${optional || field.nullable ? '?' : '!'}: ${type}${nullable};`,
    '',
  ];
}

/**
 * A DTO lists what a client may send: the declared fields only. Keys, timestamps and versions
 * are the server's; the app's ValidationPipe refuses any other property.
 */
function renderDto(className: string, fields: readonly FieldSpec[], optional: boolean): string {
  const body = fields.flatMap((f) => dtoProperty(f, optional));
  const rules = new Set(
    body
      .join(' ')
      .match(/@([A-Za-z]+)\(/g)
      ?.map((m) => m.slice(1, -1)) ?? [],
  );
  return `import { ${[...rules].sort().join(', ')} } from 'class-validator';

export class ${className} {
${body.join('\n').trimEnd()}
}
`;
}

/** `import { Post as PostModel } from …` where `Post` is taken by Nest's own names. */
function modelBinding(model: string): { local: string; importName: string } {
  if (!frameworkNames.has(model)) return { local: model, importName: model };
  return { local: `${model}Model`, importName: `${model} as ${model}Model` };
}

const unfilterableTypes = new Set(['json', 'jsonb', 'bytea']);

/**
 * The list's input policy: exact values of the model's plain fields and keys, sorting by them,
 * its belongs-to relations as includes. The app widens it field by field.
 */
function renderListPolicy(local: string, variable: string, fields: readonly FieldSpec[]): string {
  const filterable = fields.flatMap((f) => {
    if (f.kind === 'belongsTo') return [`${f.name}Id`];
    const type = f.columnType ?? '';
    return f.kind === 'column' && !unfilterableTypes.has(type) && !type.endsWith('[]')
      ? [f.name]
      : [];
  });
  const sortable = ['id', ...filterable, 'createdAt'];
  const includes = fields.filter((f) => f.kind === 'belongsTo').map((f) => `'${f.name}'`);
  const lines = [
    `/**`,
    ` * What clients of the list may ask (\`?filter[field]=value&sort=-createdAt&limit=20\`); anything`,
    ` * else is refused with 400. Grant operators per field, e.g. \`title: ['eq', 'ilike']\`.`,
    ` */`,
    `const ${variable}List = permitQuery(${local}, {`,
    `  filter: { ${filterable.map((f) => `${f}: true`).join(', ')} },`,
    `  sort: [${sortable.map((f) => `'${f}'`).join(', ')}],`,
    ...(includes.length ? [`  include: [${includes.join(', ')}],`] : []),
    `  defaultSort: 'id',`,
    `  limit: { default: 20, max: 100 },`,
    `});`,
  ];
  return lines.join('\n');
}

function renderService(
  model: string,
  plural: string,
  variable: string,
  files: ResourceFiles,
  fields: readonly FieldSpec[],
  context: RenderContext,
): string {
  const { local, importName } = modelBinding(model);
  const from = (file: string) => relativeImport(files.service, file, context);
  return `import { Injectable } from '@nestjs/common';
import { InjectRepository, Repository, permitQuery } from 'nestjs-active-record';
import { Create${model}Dto } from '${from(files.createDto)}';
import { Update${model}Dto } from '${from(files.updateDto)}';
import { ${importName} } from '${from(files.model)}';

${renderListPolicy(local, variable, fields)}

@Injectable()
export class ${plural}Service {
  constructor(@InjectRepository(${local}) private readonly ${variable}: Repository<${local}>) {}

  create(dto: Create${model}Dto): Promise<${local}> {
    return this.${variable}.create(dto);
  }

  /** One page of the list, filtered and sorted as the request asks and the policy permits. */
  findAll(query: unknown): Promise<${local}[]> {
    return ${variable}List.apply(query, this.${variable}.all()).all();
  }

  /** Throws RecordNotFoundError, which the app's OrmExceptionFilter answers with 404. */
  findOne(id: number): Promise<${local}> {
    return this.${variable}.find(id);
  }

  async update(id: number, dto: Update${model}Dto): Promise<${local}> {
    const record = await this.${variable}.find(id);
    return record.update(dto);
  }

  async remove(id: number): Promise<void> {
    const record = await this.${variable}.find(id);
    await record.destroy();
  }
}
`;
}

function renderController(
  model: string,
  plural: string,
  variable: string,
  route: string,
  files: ResourceFiles,
  context: RenderContext,
): string {
  const { local, importName } = modelBinding(model);
  const from = (file: string) => relativeImport(files.controller, file, context);
  return `import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { Create${model}Dto } from '${from(files.createDto)}';
import { Update${model}Dto } from '${from(files.updateDto)}';
import { ${importName} } from '${from(files.model)}';
import { ${plural}Service } from '${from(files.service)}';

@Controller('${route}')
export class ${plural}Controller {
  constructor(private readonly ${variable}: ${plural}Service) {}

  @Post()
  create(@Body() dto: Create${model}Dto): Promise<${local}> {
    return this.${variable}.create(dto);
  }

  @Get()
  findAll(@Query() query: Record<string, unknown>): Promise<${local}[]> {
    return this.${variable}.findAll(query);
  }

  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number): Promise<${local}> {
    return this.${variable}.findOne(id);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: Update${model}Dto): Promise<${local}> {
    return this.${variable}.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.${variable}.remove(id);
  }
}
`;
}

function renderModule(
  model: string,
  plural: string,
  files: ResourceFiles,
  context: RenderContext,
): string {
  const { local, importName } = modelBinding(model);
  const from = (file: string) => relativeImport(files.module, file, context);
  return `import { Module } from '@nestjs/common';
import { OrmModule } from 'nestjs-active-record';
import { ${importName} } from '${from(files.model)}';
import { ${plural}Controller } from '${from(files.controller)}';
import { ${plural}Service } from '${from(files.service)}';

@Module({
  imports: [OrmModule.forFeature([${local}])],
  controllers: [${plural}Controller],
  providers: [${plural}Service],
  exports: [${plural}Service],
})
export class ${plural}Module {}
`;
}

interface ResourceFiles {
  model: string;
  createDto: string;
  updateDto: string;
  service: string;
  controller: string;
  module: string;
}

/**
 * `nest g orm-resource Article`: model, migration, DTOs with class-validator rules, a service on
 * the model's repository, a CRUD controller and a feature module registered in the app.
 */
export function ormResource(options: OrmResourceOptions): Rule {
  return (tree, context) => {
    const fields = fieldsOf(options);
    const model = pascal(options.name);
    if (!fields.some((f) => f.kind === 'column' || f.kind === 'belongsTo')) {
      throw new SchematicsException(
        `A resource needs the fields a client sends (its DTOs validate them), e.g.:\n` +
          `  npx nest-ar generate resource ${model} title:string body:text:nullable`,
      );
    }
    const paths = modelPaths(tree, { ...options, flat: false });
    const plural = pascal(featureFolder(options.name));
    const variable = camel(featureFolder(options.name));
    const base = `${paths.folder}/${featureFolder(options.name)}`;
    const files: ResourceFiles = {
      model: paths.model,
      createDto: `${paths.folder}/dto/create-${kebab(options.name)}.dto.ts`,
      updateDto: `${paths.folder}/dto/update-${kebab(options.name)}.dto.ts`,
      service: `${base}.service.ts`,
      controller: `${base}.controller.ts`,
      module: `${base}.module.ts`,
    };
    const render = renderContext(tree, options, fields, paths.model, paths.sourceRoot);
    const generated = ormModel({ ...options, flat: false, skipModuleRegistration: true });
    const result = (generated as (t: typeof tree, c: typeof context) => typeof tree)(tree, context);

    result.create(files.createDto, renderDto(`Create${model}Dto`, fields, false));
    result.create(files.updateDto, renderDto(`Update${model}Dto`, fields, true));
    result.create(files.service, renderService(model, plural, variable, files, fields, render));
    result.create(
      files.controller,
      renderController(model, plural, variable, featureFolder(options.name), files, render),
    );
    result.create(files.module, renderModule(model, plural, files, render));
    if (!options.skipImport) {
      // ormModel wired the app already (OrmModule.forRoot, config, scripts).
      const parent = nearestModule(result, paths.sourceRoot, paths.sourceRoot);
      if (parent) registerModule(result, parent, `${plural}Module`, files.module, render);
    }
    return result;
  };
}

import { type Rule } from '@angular-devkit/schematics';
import { fieldsOf, modelPaths, ormModel, type OrmModelOptions } from '../orm-model';
import type { FieldSpec } from '../utils/fields';
import { nearestModule, registerModule } from '../utils/module-registration';
import { camel, featureFolder, kebab, pascal } from '../utils/names';

export type OrmResourceOptions = OrmModelOptions;

/** A DTO property: the model's type, with class-validator rules. */
function dtoProperty(field: FieldSpec, optional: boolean): string[] {
  if (field.kind === 'manyToMany' || field.kind === 'hasMany') return [];
  const name = field.kind === 'belongsTo' ? `${field.name}Id` : field.name;
  const rules = field.kind === 'belongsTo' ? ['IsInt'] : field.validators;
  const decorators = [...(optional || field.nullable ? ['IsOptional'] : []), ...rules].map((r) =>
    r.includes('(') ? `@${r}` : `@${r}()`,
  );
  const type = field.kind === 'belongsTo' ? 'number' : field.tsType.replace(/ \| null$/, '');
  return [
    `  ${decorators.join(' ')}`,
    `  ${name}${optional || field.nullable ? '?' : '!'}: ${type};`,
    '',
  ];
}

function renderDto(className: string, fields: readonly FieldSpec[], optional: boolean): string {
  const body = fields.flatMap((f) => dtoProperty(f, optional));
  const rules = new Set(
    body
      .join(' ')
      .match(/@([A-Za-z]+)\(/g)
      ?.map((m) => m.slice(1, -1)) ?? [],
  );
  const header = rules.size
    ? `import { ${[...rules].sort().join(', ')} } from 'class-validator';\n\n`
    : '';
  return `${header}export class ${className} {\n${body.join('\n').trimEnd()}${body.length ? '\n' : ''}}\n`;
}

/**
 * `nest g orm-resource Article`: model, migration, DTOs with class-validator rules, a service on
 * the model's repository, a CRUD controller and a feature module registered in the app.
 */
export function ormResource(options: OrmResourceOptions): Rule {
  return (tree, context) => {
    const fields = fieldsOf(options);
    const paths = modelPaths(tree, { ...options, flat: false });
    const model = pascal(options.name);
    const plural = pascal(featureFolder(options.name));
    const variable = camel(featureFolder(options.name));
    const base = `${paths.folder}/${featureFolder(options.name)}`;
    const modelImport = `./${kebab(options.name)}.model`;
    const generated = ormModel({ ...options, flat: false, skipImport: true });
    const result = (generated as (t: typeof tree, c: typeof context) => typeof tree)(tree, context);

    result.create(
      `${paths.folder}/dto/create-${kebab(options.name)}.dto.ts`,
      renderDto(`Create${model}Dto`, fields, false),
    );
    result.create(
      `${paths.folder}/dto/update-${kebab(options.name)}.dto.ts`,
      renderDto(`Update${model}Dto`, fields, true),
    );
    result.create(
      `${base}.service.ts`,
      `import { Injectable } from '@nestjs/common';
import { InjectRepository, Repository } from 'nestjs-active-record';
import { Create${model}Dto } from './dto/create-${kebab(options.name)}.dto';
import { Update${model}Dto } from './dto/update-${kebab(options.name)}.dto';
import { ${model} } from '${modelImport}';

@Injectable()
export class ${plural}Service {
  constructor(@InjectRepository(${model}) private readonly ${variable}: Repository<${model}>) {}

  create(dto: Create${model}Dto): Promise<${model}> {
    return this.${variable}.create(dto);
  }

  findAll(): Promise<${model}[]> {
    return this.${variable}.all().order({ id: 'asc' }).all();
  }

  findOne(id: number): Promise<${model}> {
    return this.${variable}.find(id);
  }

  async update(id: number, dto: Update${model}Dto): Promise<${model}> {
    const record = await this.${variable}.find(id);
    return record.update(dto);
  }

  async remove(id: number): Promise<void> {
    const record = await this.${variable}.find(id);
    await record.destroy();
  }
}
`,
    );
    result.create(
      `${base}.controller.ts`,
      `import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { Create${model}Dto } from './dto/create-${kebab(options.name)}.dto';
import { Update${model}Dto } from './dto/update-${kebab(options.name)}.dto';
import { ${model} } from '${modelImport}';
import { ${plural}Service } from './${featureFolder(options.name)}.service';

@Controller('${featureFolder(options.name)}')
export class ${plural}Controller {
  constructor(private readonly ${variable}: ${plural}Service) {}

  @Post()
  create(@Body() dto: Create${model}Dto): Promise<${model}> {
    return this.${variable}.create(dto);
  }

  @Get()
  findAll(): Promise<${model}[]> {
    return this.${variable}.findAll();
  }

  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number): Promise<${model}> {
    return this.${variable}.findOne(id);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: Update${model}Dto): Promise<${model}> {
    return this.${variable}.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.${variable}.remove(id);
  }
}
`,
    );
    const moduleFile = `${base}.module.ts`;
    result.create(
      moduleFile,
      `import { Module } from '@nestjs/common';
import { OrmModule } from 'nestjs-active-record';
import { ${model} } from '${modelImport}';
import { ${plural}Controller } from './${featureFolder(options.name)}.controller';
import { ${plural}Service } from './${featureFolder(options.name)}.service';

@Module({
  imports: [OrmModule.forFeature([${model}])],
  controllers: [${plural}Controller],
  providers: [${plural}Service],
  exports: [${plural}Service],
})
export class ${plural}Module {}
`,
    );
    if (!options.skipImport) {
      const parent = nearestModule(result, paths.sourceRoot, paths.sourceRoot);
      if (parent) registerModule(result, parent, `${plural}Module`, moduleFile);
    }
    return result;
  };
}

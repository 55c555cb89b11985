import { dirname, relative } from 'node:path/posix';
import type { AppConventions } from './app-conventions';
import type { FieldSpec } from './fields';
import { camel, kebab, pascal, snake, tableName } from './names';

/** What rendering needs to know about the app: its conventions and where its models are. */
export interface RenderContext {
  conventions: AppConventions;
  /** Model class → file (`src/authors/author.model.ts`), the new model included. */
  models: ReadonlyMap<string, string>;
}

/** The specifier that imports `toFile` from `fromFile`, in the app's style. */
export function relativeImport(fromFile: string, toFile: string, context: RenderContext): string {
  const path = relative(dirname(fromFile), toFile).replace(/\.ts$/, '');
  return `${path.startsWith('.') ? path : `./${path}`}${context.conventions.importSuffix}`;
}

/** The names a model file imports from the package; a model cannot be named like one. */
export const modelFileNames = [
  'BelongsTo',
  'Column',
  'CreatedAt',
  'HasMany',
  'ManyToMany',
  'Model',
  'PrimaryKey',
  'Rel',
  'Table',
  'UpdatedAt',
];

/** The model class: columns, relations, timestamps; a commented skeleton when no fields. */
export function renderModel(
  name: string,
  file: string,
  fields: readonly FieldSpec[],
  context: RenderContext,
): string {
  const className = pascal(name);
  const table = tableName(name);
  const decorators = new Set(['Column', 'CreatedAt', 'Model', 'PrimaryKey', 'Table', 'UpdatedAt']);
  const imports = new Map<string, string>();
  const columns: string[] = [];
  // After every column, timestamps included: a record's relation fields are deleted when it
  // is built (they would hide the relation accessors), which keeps it in V8's fast shape only
  // when they were its last fields.
  const relations: string[] = [];
  for (const field of fields) {
    if (field.kind === 'column') {
      const options = field.columnOptions.map((o) => o.replace('{table}', table));
      columns.push(`  @Column({ ${options.join(', ')} }) ${field.name}!: ${field.tsType};`);
      continue;
    }
    const target = field.target!;
    if (target !== className) {
      imports.set(target, relativeImport(file, context.models.get(target)!, context));
    }
    decorators.add('Rel');
    // Rel<…>: models that refer to each other must not read each other's class at load time.
    if (field.kind === 'belongsTo') {
      decorators.add('BelongsTo');
      const nullable = field.nullable ? ' | null' : '';
      columns.push(
        `  @Column({ type: 'integer'${field.nullable ? ', nullable: true' : ''} }) ${field.name}Id!: number${nullable};`,
      );
      relations.push(
        `  @BelongsTo(() => ${target}, { foreignKey: '${field.name}Id' }) ${field.name}!: Rel<${target}>${nullable};`,
      );
    } else if (field.kind === 'manyToMany') {
      decorators.add('ManyToMany');
      relations.push(
        `  @ManyToMany(() => ${target}, { through: '${joinTable(name, field)}' }) ${field.name}!: Rel<${target}>[];`,
      );
    } else {
      decorators.add('HasMany');
      relations.push(
        `  @HasMany(() => ${target}, { foreignKey: '${camel(name)}Id' }) ${field.name}!: Rel<${target}>[];`,
      );
    }
  }
  const body = fields.length
    ? columns.join('\n')
    : [
        '  // Declare the columns, e.g.:',
        "  // @Column({ type: 'text' }) title!: string;",
        "  // @Column({ type: 'text', nullable: true }) body!: string | null;",
        '  // and, below the timestamps, relations: @BelongsTo(() => User) author!: Rel<User>;',
      ].join('\n');
  const importLines = [
    // `type Rel`: a type in a decorated signature is imported as a type under isolatedModules.
    `import { ${[...decorators]
      .sort()
      .map((name) => (name === 'Rel' ? 'type Rel' : name))
      .join(', ')} } from 'nestjs-active-record';`,
    ...[...imports].map(([cls, path]) => `import { ${cls} } from '${path}';`),
  ];
  return `${importLines.join('\n')}

@Table('${table}')
export class ${className} extends Model {
  @PrimaryKey() id!: number;
${body}
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
${relations.map((line) => `${line}\n`).join('')}}
`;
}

/** The join table of a manyToMany field: both tables, alphabetical, e.g. `articles_tags`. */
export function joinTable(model: string, field: FieldSpec): string {
  return [tableName(model), tableName(field.target!)].sort().join('_');
}

/**
 * A migration creating the model's enums, its table (with an index per foreign key) and its
 * join tables; `down()` undoes them in reverse order, so nothing is dropped while in use.
 */
export function renderCreateMigration(
  name: string,
  fields: readonly FieldSpec[],
  className: string,
): string {
  const table = tableName(name);
  const up: string[] = [];
  const down: string[] = [];
  for (const field of fields) {
    if (field.enumValues) {
      const type = `${table}_${snake(field.name)}`;
      up.push(
        `    schema.createEnum('${type}', [${field.enumValues.map((v) => `'${v}'`).join(', ')}]);`,
      );
      down.unshift(`    schema.dropEnum('${type}');`);
    }
  }
  const columns = fields
    .filter((f) => f.migration)
    .map((f) => `      ${f.migration!.replace('{table}', table)};`);
  up.push(
    `    schema.createTable('${table}', (t) => {\n      t.id();\n${columns.join('\n')}${columns.length ? '\n' : ''}      t.timestamps();\n    });`,
  );
  down.unshift(`    schema.dropTable('${table}');`);
  // Foreign keys are not indexed by PostgreSQL; joins and cascades need them to be.
  for (const field of fields.filter((f) => f.kind === 'belongsTo')) {
    up.push(`    schema.createIndex('${table}', ['${snake(field.name)}_id']);`);
  }
  for (const field of fields.filter((f) => f.kind === 'manyToMany')) {
    const join = joinTable(name, field);
    const own = `${snake(name)}_id`;
    const other = `${snake(field.target!)}_id`;
    up.push(
      `    schema.createTable('${join}', (t) => {\n` +
        `      t.integer('${own}').notNull().references('${table}').onDelete('cascade');\n` +
        `      t.integer('${other}').notNull().references('${tableName(field.target!)}').onDelete('cascade');\n` +
        `      t.primaryKey(['${own}', '${other}']);\n    });`,
      `    schema.createIndex('${join}', ['${other}']);`,
    );
    down.unshift(`    schema.dropTable('${join}');`);
  }
  return renderMigration(className, up, down);
}

export function renderMigration(
  className: string,
  up: readonly string[],
  down: readonly string[],
): string {
  return `import { Migration, type SchemaBuilder } from 'nestjs-active-record';

export default class ${className} extends Migration {
  up(schema: SchemaBuilder): void {
${up.length ? up.join('\n') : '    // schema.createTable(…), schema.alterTable(…), schema.sql(…)'}
  }

  down(schema: SchemaBuilder): void {
${down.length ? down.join('\n') : '    // undo what up() does'}
  }
}
`;
}

/**
 * A spec, for the app's test runner, that checks the model maps to its table and columns as
 * generated. It reads the decorators only: no database to start, so it runs in milliseconds.
 */
export function renderModelSpec(
  name: string,
  specFile: string,
  modelFile: string,
  fields: readonly FieldSpec[],
  context: RenderContext,
): string {
  const className = pascal(name);
  const column = (property: string, type: string, nullable: boolean) =>
    `      ${property}: { column: '${snake(property)}', type: '${type}', nullable: ${nullable} },`;
  const columns = [
    column('id', 'integer', false),
    ...fields.flatMap((f) =>
      f.kind === 'column'
        ? [column(f.name, f.columnType!, f.nullable)]
        : f.kind === 'belongsTo'
          ? [column(`${f.name}Id`, 'integer', f.nullable)]
          : [],
    ),
    column('createdAt', 'timestamptz', false),
    column('updatedAt', 'timestamptz', false),
  ];
  const relations = fields.filter((f) => f.kind !== 'column').map((f) => `'${f.name}'`);
  const runner =
    context.conventions.testRunner === 'vitest'
      ? "import { describe, expect, it } from 'vitest';\n"
      : '';
  return `${runner}import { describeModel } from 'nestjs-active-record';
import { ${className} } from '${relativeImport(specFile, modelFile, context)}';

describe('${className}', () => {
  it('maps to the ${tableName(name)} table', () => {
    const model = describeModel(${className});
    expect(model.tableName).toBe('${tableName(name)}');
    expect(model.columns).toMatchObject({
${columns.join('\n')}
    });
    expect(model.relations).toEqual([${relations.join(', ')}]);
  });
});
`;
}

export { kebab };

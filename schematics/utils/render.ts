import type { FieldSpec } from './fields';
import { camel, featureFolder, kebab, pascal, snake, tableName } from './names';

function relativeModelImport(target: string, fromFlat: boolean): string {
  const file = `${kebab(target)}.model`;
  return fromFlat ? `./${file}` : `../${featureFolder(target)}/${file}`;
}

/** The model class: columns, relations, timestamps; a commented skeleton when no fields. */
export function renderModel(name: string, fields: readonly FieldSpec[], flat: boolean): string {
  const className = pascal(name);
  const table = tableName(name);
  const decorators = new Set(['Column', 'CreatedAt', 'Model', 'PrimaryKey', 'Table', 'UpdatedAt']);
  const imports = new Map<string, string>();
  const lines: string[] = [];
  for (const field of fields) {
    if (field.kind === 'column') {
      const options = field.columnOptions.map((o) => o.replace('{table}', table));
      lines.push(
        `  @Column(${options.length ? `{ ${options.join(', ')} }` : ''}) ${field.name}!: ${field.tsType};`,
      );
      continue;
    }
    const target = field.target!;
    if (target !== className) imports.set(target, relativeModelImport(target, flat));
    if (field.kind === 'belongsTo') {
      decorators.add('BelongsTo');
      lines.push(
        `  @Column(${field.nullable ? `{ type: 'integer', nullable: true }` : ''}) ${field.name}Id!: number${field.nullable ? ' | null' : ''};`,
      );
      lines.push(
        `  @BelongsTo(() => ${target}, { foreignKey: '${field.name}Id' }) ${field.name}!: ${target}${field.nullable ? ' | null' : ''};`,
      );
    } else if (field.kind === 'manyToMany') {
      decorators.add('ManyToMany');
      lines.push(
        `  @ManyToMany(() => ${target}, { through: '${joinTable(name, field)}' }) ${field.name}!: ${target}[];`,
      );
    } else {
      decorators.add('HasMany');
      lines.push(
        `  @HasMany(() => ${target}, { foreignKey: '${camel(name)}Id' }) ${field.name}!: ${target}[];`,
      );
    }
  }
  const body = fields.length
    ? lines.join('\n')
    : [
        '  // Declare the columns, e.g.:',
        '  // @Column() title!: string;',
        "  // @Column({ type: 'text', nullable: true }) body!: string | null;",
        '  // and relations: @BelongsTo(() => User) author!: User;',
      ].join('\n');
  const importLines = [
    `import { ${[...decorators].sort().join(', ')} } from 'nestjs-active-record';`,
    ...[...imports].map(([cls, path]) => `import { ${cls} } from '${path}';`),
  ];
  return `${importLines.join('\n')}

@Table('${table}')
export class ${className} extends Model {
  @PrimaryKey() id!: number;
${body}
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}
`;
}

/** The join table of a manyToMany field: both tables, alphabetical, e.g. `articles_tags`. */
export function joinTable(model: string, field: FieldSpec): string {
  return [tableName(model), tableName(field.target!)].sort().join('_');
}

/** A migration creating the model's table, its enums and join tables. */
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
  for (const field of fields.filter((f) => f.kind === 'manyToMany')) {
    const join = joinTable(name, field);
    const own = `${snake(name)}_id`;
    const other = `${snake(field.target!)}_id`;
    up.push(
      `    schema.createTable('${join}', (t) => {\n` +
        `      t.integer('${own}').notNull().references('${table}').onDelete('cascade');\n` +
        `      t.integer('${other}').notNull().references('${tableName(field.target!)}').onDelete('cascade');\n` +
        `      t.primaryKey(['${own}', '${other}']);\n    });`,
    );
    down.unshift(`    schema.dropTable('${join}');`);
  }
  down.unshift(`    schema.dropTable('${table}');`);
  // join tables go before the table they refer to
  const drops = [
    ...down.filter((d) => !d.includes(`'${table}'`)),
    `    schema.dropTable('${table}');`,
  ];
  return renderMigration(className, up, dedupe(drops));
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
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

/** A spec that checks the model's metadata through a real, embedded database. */
export function renderModelSpec(name: string): string {
  const className = pascal(name);
  return `import 'reflect-metadata';
import { Orm } from 'nestjs-active-record';
import { ${className} } from './${kebab(name)}.model';

describe('${className}', () => {
  it('maps to its table', async () => {
    const orm = await Orm.connect({ models: [${className}] });
    try {
      expect(orm.metaOf(${className})?.tableName).toBe('${tableName(name)}');
    } finally {
      await orm.close();
    }
  });
});
`;
}

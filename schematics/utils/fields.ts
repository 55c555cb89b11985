import { camel, pascal, snake, tableName } from './names';

/** One `name:type[:modifier]` argument, resolved. */
export interface FieldSpec {
  /** Property name (camelCase). */
  name: string;
  kind: 'column' | 'belongsTo' | 'manyToMany' | 'hasMany';
  /** TypeScript type of the property. */
  tsType: string;
  /** `@Column()` options as source text, e.g. `{ type: 'text' }`. */
  columnOptions: string[];
  /** Migration builder call for the column, e.g. `t.text('body').notNull()`. */
  migration?: string;
  nullable: boolean;
  unique: boolean;
  /** Related model class (relations). */
  target?: string;
  enumValues?: string[];
  /** class-validator decorators for DTOs. */
  validators: string[];
}

const types: Record<string, { ts: string; options: string[]; sql: string; validators: string[] }> =
  {
    string: { ts: 'string', options: [], sql: 'text', validators: ['IsString'] },
    text: { ts: 'string', options: [`type: 'text'`], sql: 'text', validators: ['IsString'] },
    integer: { ts: 'number', options: [], sql: 'integer', validators: ['IsInt'] },
    int: { ts: 'number', options: [], sql: 'integer', validators: ['IsInt'] },
    bigint: {
      ts: 'string',
      options: [`type: 'bigint'`],
      sql: 'bigint',
      validators: ['IsNumberString'],
    },
    float: {
      ts: 'number',
      options: [`type: 'double precision'`],
      sql: 'double precision',
      validators: ['IsNumber'],
    },
    decimal: {
      ts: 'string',
      options: [`type: 'numeric'`, 'precision: 12', 'scale: 2'],
      sql: 'numeric(12, 2)',
      validators: ['IsDecimal'],
    },
    boolean: { ts: 'boolean', options: [], sql: 'boolean', validators: ['IsBoolean'] },
    datetime: { ts: 'Date', options: [], sql: 'timestamptz', validators: ['IsDateString'] },
    timestamp: { ts: 'Date', options: [], sql: 'timestamptz', validators: ['IsDateString'] },
    date: { ts: 'string', options: [`type: 'date'`], sql: 'date', validators: ['IsDateString'] },
    uuid: { ts: 'string', options: [`type: 'uuid'`], sql: 'uuid', validators: ['IsUUID'] },
    json: {
      ts: 'Record<string, unknown>',
      options: [`type: 'jsonb'`],
      sql: 'jsonb',
      validators: ['IsObject'],
    },
  };

export class FieldError extends Error {}

/** Parses `title:string body:text email:string:unique author:belongs_to status:enum:a,b`. */
export function parseFields(
  input: string | readonly string[] | undefined,
  model: string,
): FieldSpec[] {
  const parts = (typeof input === 'string' ? input : (input ?? []).join(' ')).split(
    /[\s,]+(?=[A-Za-z_]+:)/,
  );
  const fields: FieldSpec[] = [];
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    const [rawName, rawType = 'string', ...modifiers] = raw.split(':');
    if (!rawName || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(rawName)) {
      throw new FieldError(`Not a field name: ${JSON.stringify(rawName)} (in "${raw}")`);
    }
    const name = camel(rawName);
    const type = rawType.toLowerCase();
    const nullable = modifiers.includes('nullable') || modifiers.includes('optional');
    const unique = modifiers.includes('unique');
    if (type === 'belongs_to' || type === 'references') {
      const target = pascal(modifiers.find((m) => /^[A-Z]/.test(m)) ?? rawName);
      fields.push({
        name,
        kind: 'belongsTo',
        tsType: target,
        columnOptions: [],
        nullable,
        unique: false,
        target,
        validators: [],
        migration: `t.integer('${snake(name)}_id')${nullable ? '' : '.notNull()'}.references('${tableName(target)}')`,
      });
      continue;
    }
    if (type === 'many_to_many' || type === 'has_many') {
      const target = pascal(modifiers.find((m) => /^[A-Z]/.test(m)) ?? rawName.replace(/s$/, ''));
      fields.push({
        name,
        kind: type === 'many_to_many' ? 'manyToMany' : 'hasMany',
        tsType: `${target}[]`,
        columnOptions: [],
        nullable: false,
        unique: false,
        target,
        validators: [],
      });
      continue;
    }
    if (type === 'enum') {
      const values = (modifiers.find((m) => m.includes(',')) ?? modifiers[0] ?? '')
        .split(',')
        .map((v: string) => v.trim())
        .filter(Boolean);
      if (values.length === 0)
        throw new FieldError(`${raw}: an enum needs values, e.g. status:enum:draft,published`);
      if (values.some((v: string) => !/^[A-Za-z0-9_-]+$/.test(v))) {
        throw new FieldError(`${raw}: enum values are letters, digits, - and _`);
      }
      fields.push({
        name,
        kind: 'column',
        tsType: values.map((v: string) => `'${v}'`).join(' | ') + (nullable ? ' | null' : ''),
        columnOptions: [
          `enum: [${values.map((v: string) => `'${v}'`).join(', ')}]`,
          ...(nullable ? ['nullable: true'] : []),
        ],
        nullable,
        unique,
        enumValues: values,
        validators: [`IsIn([${values.map((v: string) => `'${v}'`).join(', ')}])`],
        migration: `t.add('${snake(name)}', '"${'{table}'}_${snake(name)}"')${nullable ? '' : '.notNull()'}`,
      });
      continue;
    }
    const known = types[type];
    if (!known) {
      throw new FieldError(
        `${raw}: unknown type "${rawType}"; use one of ${[...Object.keys(types), 'enum', 'belongs_to', 'many_to_many', 'has_many'].join(', ')}`,
      );
    }
    const options = [...known.options];
    if (nullable) options.push('nullable: true');
    if (unique) options.push('unique: true');
    if (nullable && known.options.length === 0) options.push(`type: '${known.sql}'`);
    fields.push({
      name,
      kind: 'column',
      tsType: known.ts + (nullable ? ' | null' : ''),
      columnOptions: options,
      nullable,
      unique,
      validators: known.validators,
      migration:
        `t.add('${snake(name)}', '${known.sql}')` +
        (nullable ? '' : '.notNull()') +
        (unique ? '.unique()' : ''),
    });
  }
  const names = new Set<string>();
  for (const field of fields) {
    if (names.has(field.name)) throw new FieldError(`${model}: field ${field.name} is given twice`);
    names.add(field.name);
  }
  return fields;
}

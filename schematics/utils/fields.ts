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
  /** The ORM's column type (`describeModel`), for columns and belongsTo keys. */
  columnType?: string;
}

/** Properties every generated model has already. */
const reservedNames = new Set(['id', 'createdAt', 'updatedAt']);

const types: Record<string, { ts: string; sql: string; options: string[]; validators: string[] }> =
  {
    string: { ts: 'string', sql: 'text', options: [], validators: ['IsString'] },
    text: { ts: 'string', sql: 'text', options: [], validators: ['IsString'] },
    integer: { ts: 'number', sql: 'integer', options: [], validators: ['IsInt'] },
    int: { ts: 'number', sql: 'integer', options: [], validators: ['IsInt'] },
    bigint: { ts: 'string', sql: 'bigint', options: [], validators: ['IsNumberString'] },
    float: { ts: 'number', sql: 'double precision', options: [], validators: ['IsNumber'] },
    decimal: {
      ts: 'string',
      sql: 'numeric',
      options: ['precision: 12', 'scale: 2'],
      validators: ['IsDecimal'],
    },
    boolean: { ts: 'boolean', sql: 'boolean', options: [], validators: ['IsBoolean'] },
    datetime: { ts: 'Date', sql: 'timestamptz', options: [], validators: ['IsDateString'] },
    timestamp: { ts: 'Date', sql: 'timestamptz', options: [], validators: ['IsDateString'] },
    date: { ts: 'string', sql: 'date', options: [], validators: ['IsDateString'] },
    uuid: { ts: 'string', sql: 'uuid', options: [], validators: ['IsUUID'] },
    json: { ts: 'Record<string, unknown>', sql: 'jsonb', options: [], validators: ['IsObject'] },
  };

/** The migration's SQL type of a column type (numeric carries its precision). */
function sqlTypeOf(type: string): string {
  return type === 'numeric' ? 'numeric(12, 2)' : type;
}

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
    if (reservedNames.has(name)) {
      throw new FieldError(`${raw}: every model has ${name} already; leave it out of the fields`);
    }
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
        columnType: 'integer',
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
        columnType: 'enum',
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
    // The type is spelled out rather than left to decorator metadata, which some TypeScript
    // transforms (esbuild's, used by test runners) do not emit.
    const options = [`type: '${known.sql}'`, ...known.options];
    if (nullable) options.push('nullable: true');
    if (unique) options.push('unique: true');
    fields.push({
      name,
      kind: 'column',
      tsType: known.ts + (nullable ? ' | null' : ''),
      columnOptions: options,
      nullable,
      unique,
      validators: known.validators,
      columnType: known.sql,
      migration:
        `t.add('${snake(name)}', '${sqlTypeOf(known.sql)}')` +
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

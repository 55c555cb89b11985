import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { SqlFragment } from '../sql/sql-fragment';
import { checkSpecsOf, indexSpecsOf, joinTableIndexes } from './index-spec';
import { sqlLiteral } from './sql-literal';
import { normalizeDefault, type ColumnSpec, type SchemaSpec, type TableSpec } from './schema-spec';

/** The column type as `format_type` spells it, so model and database compare as text. */
export function columnTypeOf(column: ColumnMeta): string {
  if (column.type === 'enum') return column.sqlType.name;
  // format_type quotes a name that is not all lowercase: "Year" stays quoted, year does not.
  if (column.customType !== undefined) {
    const name = column.customType;
    return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`;
  }
  const base = column.isArray ? column.type.slice(0, -2) : column.type;
  let type: string;
  switch (base) {
    case 'timestamptz':
      type = 'timestamp with time zone';
      break;
    case 'timestamp':
      type = 'timestamp without time zone';
      break;
    case 'time':
      type = 'time without time zone';
      break;
    case 'varchar':
      type = column.length ? `character varying(${column.length})` : 'character varying';
      break;
    case 'char':
      type = `character(${column.length ?? 1})`;
      break;
    case 'numeric':
      type =
        column.precision !== undefined
          ? `numeric(${column.precision},${column.scale ?? 0})`
          : 'numeric';
      break;
    default:
      type = base;
  }
  return column.isArray ? `${type}[]` : type;
}

/** A database default for the model's declared default, when it is a literal or raw SQL. */
function defaultOf(column: ColumnMeta): string | undefined {
  // Timestamp columns default to the time of the insert, as `t.timestamps()` declares them.
  if (column.role === 'createdAt' || column.role === 'updatedAt') return normalizeDefault('now()');
  const value = column.default;
  if (value instanceof SqlFragment) {
    return value.values.length === 0 ? normalizeDefault(value.strings.join('')) : undefined;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    if (column.isArray || column.isJson) return undefined;
    return normalizeDefault(sqlLiteral(value));
  }
  return undefined;
}

/** PostgreSQL's own name for a foreign key: `<table>_<columns>_fkey`. */
function foreignKeyName(table: string, columns: readonly string[]): string {
  return `${table}_${columns.join('_')}_fkey`;
}

/**
 * The schema the models describe: a table per model (columns, primary key, unique columns,
 * foreign keys of belongsTo relations, indexes, checks), join tables of manyToMany relations
 * (their primary key leads with one key, an index serves the other), and enum types.
 */
export function schemaOfModels(metas: readonly ModelMeta[]): SchemaSpec {
  const tables = new Map<string, TableSpec>();
  const enums = new Map<string, string[]>();
  for (const meta of metas) {
    const columns: ColumnSpec[] = meta.columns.map((column) => {
      const key = column.role === 'primaryKey';
      if (column.type === 'enum') enums.set(column.sqlType.name, [...(column.enumValues ?? [])]);
      return {
        name: column.name,
        type: columnTypeOf(column),
        nullable: !key && column.nullable,
        default:
          key && column.generated && column.type === 'uuid'
            ? 'gen_random_uuid()'
            : key
              ? undefined
              : defaultOf(column),
        identity:
          key && column.generated && (column.type === 'integer' || column.type === 'bigint'),
      };
    });
    const table: TableSpec = {
      name: meta.tableName,
      columns,
      primaryKey: [...meta.key.names],
      uniques: meta.columns
        .filter((c) => c.unique && c.role !== 'primaryKey')
        .map((c) => ({ name: `${meta.tableName}_${c.name}_key`, columns: [c.name] })),
      foreignKeys: [],
      indexes: indexSpecsOf(meta),
      checks: checkSpecsOf(meta),
    };
    for (const name of meta.relationNames) {
      const relation = meta.relation(name)!;
      if (relation.kind === 'belongsTo' && !relation.typeKey) {
        const target = relation.targets[0]!;
        const columns = [...relation.foreignKey.names];
        table.foreignKeys.push({
          name: foreignKeyName(meta.tableName, columns),
          columns,
          table: target.tableName,
          refColumns: [...relation.otherKey(target).names],
        });
      }
      if (relation.kind === 'manyToMany' && !tables.has(relation.throughTable)) {
        const isModel = metas.some((m) => m.tableName === relation.throughTable);
        if (isModel) continue;
        const through = relation.throughTable;
        const keyColumns = (names: readonly string[], key: readonly ColumnMeta[]) =>
          names.map((name, i) => ({
            name,
            type: columnTypeOf(key[i]!),
            nullable: false,
            identity: false,
          }));
        const { foreignColumns, otherColumns } = relation;
        tables.set(through, {
          name: through,
          columns: [
            ...keyColumns(foreignColumns, relation.localKey.columns),
            ...keyColumns(otherColumns, relation.targetKey.columns),
          ],
          primaryKey: [...foreignColumns, ...otherColumns],
          uniques: [],
          foreignKeys: [
            {
              name: foreignKeyName(through, foreignColumns),
              columns: [...foreignColumns],
              table: meta.tableName,
              refColumns: [...relation.localKey.names],
              onDelete: 'CASCADE',
            },
            {
              name: foreignKeyName(through, otherColumns),
              columns: [...otherColumns],
              table: relation.target.tableName,
              refColumns: [...relation.targetKey.names],
              onDelete: 'CASCADE',
            },
          ],
          indexes: joinTableIndexes(through, otherColumns),
          checks: [],
        });
      }
    }
    tables.set(meta.tableName, table);
  }
  return { tables, enums };
}

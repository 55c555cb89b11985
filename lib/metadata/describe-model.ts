import type { ColumnType } from './column-types';
import { resolveModelMeta } from './model-meta';
import type { NamingStrategy } from './naming-strategy';

/** A column as a model declares it. */
export interface ColumnDescription {
  /** The column's name in the table. */
  column: string;
  type: ColumnType;
  nullable: boolean;
  unique: boolean;
}

/** What a model maps to, read from its decorators alone. */
export interface ModelDescription {
  tableName: string;
  /** The primary key's property; for a composite key, its properties joined by `, `. */
  primaryKey: string;
  /** The primary key's properties in key order (several for a composite key). */
  primaryKeys: string[];
  /** By property name. */
  columns: Record<string, ColumnDescription>;
  /** The names of its relations. */
  relations: string[];
}

/**
 * The table, columns and relations a model class declares, without a connection: for specs
 * that check a model maps as intended (in a test runner whose TypeScript transform might drop
 * decorator metadata, a column whose type was left to the metadata fails here, not in a query).
 *
 * @example
 * expect(describeModel(Post).columns.title).toEqual({ column: 'title', type: 'text', nullable: false, unique: false });
 */
export function describeModel(
  modelClass: abstract new () => object,
  naming?: NamingStrategy,
): ModelDescription {
  const meta = resolveModelMeta(modelClass, naming);
  const columns: Record<string, ColumnDescription> = {};
  for (const c of meta.columns) {
    columns[c.property] = { column: c.name, type: c.type, nullable: c.nullable, unique: c.unique };
  }
  return {
    tableName: meta.tableName,
    primaryKey: meta.key.properties.join(', '),
    primaryKeys: [...meta.key.properties],
    columns,
    relations: [...meta.relationNames],
  };
}

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
  primaryKey: string;
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
    primaryKey: meta.primaryKey.property,
    columns,
    relations: [...meta.relationNames],
  };
}

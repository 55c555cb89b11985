import type { Connection } from '../context/connection';
import type { HasManyMeta, ManyToManyMeta } from '../metadata/relation-meta';
import { compileStatement } from '../sql/query-compiler';
import { sql } from '../sql/sql-fragment';

// How a related record is tied to its owner in the database, for the writes that tie and untie
// it: a foreign key (with the type column of a polymorphic relation) on each record of a
// hasMany or hasOne; a row of the join table for a manyToMany.

type Row = Record<string, unknown>;

/** The column values that make a record one of the owner's (the owner's key, and its type). */
export function linkToOwner(relation: HasManyMeta, key: unknown): Row {
  const values: Row = { [relation.foreignKey.property]: key };
  if (relation.typeKey) values[relation.typeKey.property] = relation.typeValue;
  return values;
}

/** The column values that make a record nobody's. */
export function unlinkFromOwner(relation: HasManyMeta): Row {
  const values: Row = { [relation.foreignKey.property]: null };
  if (relation.typeKey) values[relation.typeKey.property] = null;
  return values;
}

/**
 * Inserts the join rows from the owner to the targets with these keys that are missing, in
 * one statement; targets without a row are skipped and existing links are kept.
 */
export async function insertJoinRows(
  connection: Connection,
  relation: ManyToManyMeta,
  key: unknown,
  targetKeys: readonly unknown[],
): Promise<void> {
  const through = sql.id(relation.throughTable);
  const fc = sql.id(relation.foreignColumn);
  const oc = sql.id(relation.otherColumn);
  const pk = sql.id(relation.targetKey.name);
  await connection.execute(
    compileStatement(
      sql`INSERT INTO ${through} (${fc}, ${oc}) SELECT ${key}, t.${pk} FROM ${sql.id(relation.target.tableName)} AS t WHERE t.${pk} = ANY(${targetKeys}) AND NOT EXISTS (SELECT 1 FROM ${through} AS j WHERE j.${fc} = ${key} AND j.${oc} = t.${pk})`,
    ),
  );
}

/** Deletes the join rows from the owner to the targets with these keys. */
export async function deleteJoinRows(
  connection: Connection,
  relation: ManyToManyMeta,
  key: unknown,
  targetKeys: readonly unknown[],
): Promise<void> {
  await connection.execute(
    compileStatement(
      sql`DELETE FROM ${sql.id(relation.throughTable)} WHERE ${sql.id(relation.foreignColumn)} = ${key} AND ${sql.id(relation.otherColumn)} = ANY(${targetKeys})`,
    ),
  );
}

/** Deletes every join row of the owner (before the owner's row is deleted). */
export async function deleteAllJoinRows(
  connection: Connection,
  relation: ManyToManyMeta,
  key: unknown,
): Promise<void> {
  await connection.execute(
    compileStatement(
      sql`DELETE FROM ${sql.id(relation.throughTable)} WHERE ${sql.id(relation.foreignColumn)} = ${key}`,
    ),
  );
}

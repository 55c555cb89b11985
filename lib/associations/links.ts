import type { Connection } from '../context/connection';
import type { KeyColumns } from '../metadata/key-columns';
import type { ColumnMeta } from '../metadata/model-meta';
import type { HasManyMeta, ManyToManyMeta } from '../metadata/relation-meta';
import { keyIn, keysMatch } from '../query/key-conditions';
import { and, column, param, type Expr } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';

// How a related record is tied to its owner in the database, for the writes that tie and untie
// it: a foreign key (with the type column of a polymorphic relation) on each record of a
// hasMany or hasOne; a row of the join table for a manyToMany. Keys are tuples in the order
// of the key they refer to (one value for a single-column key).

type Row = Record<string, unknown>;
type Tuple = readonly unknown[];

/** The column values that make a record one of the owner's (the owner's key, and its type). */
export function linkToOwner(relation: HasManyMeta, key: Tuple): Row {
  const values: Row = {};
  relation.foreignKey.properties.forEach((p, i) => (values[p] = key[i]));
  if (relation.typeKey) values[relation.typeKey.property] = relation.typeValue;
  return values;
}

/**
 * The foreign key columns an unlink sets to null. A column that is also part of the record's
 * own primary key (`order_lines.tenant_id` of `(tenant_id, order_id)`) identifies the record
 * and stays: clearing the others already makes the reference empty.
 */
export function unlinkedColumns(foreignKey: KeyColumns): readonly ColumnMeta[] {
  const own = foreignKey.columns.filter((c) => c.role !== 'primaryKey');
  return own.length ? own : foreignKey.columns;
}

/** The column values that make a record nobody's. */
export function unlinkFromOwner(relation: HasManyMeta): Row {
  const values: Row = {};
  for (const c of unlinkedColumns(relation.foreignKey)) values[c.property] = null;
  if (relation.typeKey) values[relation.typeKey.property] = null;
  return values;
}

/** `join.owner_columns = owner key`, on the join table (aliased or not). */
function ownerCondition(relation: ManyToManyMeta, key: Tuple, table?: string): Expr {
  return and(
    relation.foreignColumns.map((name, i) => ({
      kind: 'binary' as const,
      operator: '=' as const,
      left: column(name, table),
      right: param(key[i], relation.localKey.columns[i]!.sqlType),
    })),
  );
}

function targetTypes(relation: ManyToManyMeta) {
  return relation.targetKey.columns.map((c) => c.sqlType);
}

/**
 * Inserts the join rows from the owner to the targets with these keys that are missing, in
 * one statement; targets without a row are skipped and existing links are kept.
 */
export async function insertJoinRows(
  connection: Connection,
  relation: ManyToManyMeta,
  key: Tuple,
  targetKeys: readonly Tuple[],
): Promise<void> {
  const through = relation.throughTable;
  const targetKey = relation.targetKey;
  const ownerValues = relation.localKey.columns.map((c, i) => param(key[i], c.sqlType));
  await connection.execute(
    compileStatement({
      kind: 'insert',
      table: through,
      columns: [...relation.foreignColumns, ...relation.otherColumns],
      source: {
        kind: 'select',
        query: {
          kind: 'select',
          from: relation.target.tableName,
          alias: 't',
          columns: [...ownerValues, ...targetKey.names.map((n) => column(n, 't'))],
          where: and([
            keyIn(targetKey.names, targetTypes(relation), targetKeys, 't'),
            {
              kind: 'not',
              item: {
                kind: 'exists',
                query: {
                  kind: 'select',
                  from: through,
                  alias: 'j',
                  columns: [{ kind: 'keyword', keyword: 'TRUE' }],
                  where: and([
                    ownerCondition(relation, key, 'j'),
                    keysMatch(relation.otherColumns, 'j', targetKey.names, 't'),
                  ]),
                },
              },
            },
          ]),
        },
      },
    }),
  );
}

/** Deletes the join rows from the owner to the targets with these keys. */
export async function deleteJoinRows(
  connection: Connection,
  relation: ManyToManyMeta,
  key: Tuple,
  targetKeys: readonly Tuple[],
): Promise<void> {
  await connection.execute(
    compileStatement({
      kind: 'delete',
      table: relation.throughTable,
      where: and([
        ownerCondition(relation, key),
        keyIn(relation.otherColumns, targetTypes(relation), targetKeys),
      ]),
    }),
  );
}

/** Deletes every join row of the owner (before the owner's row is deleted). */
export async function deleteAllJoinRows(
  connection: Connection,
  relation: ManyToManyMeta,
  key: Tuple,
): Promise<void> {
  await connection.execute(
    compileStatement({
      kind: 'delete',
      table: relation.throughTable,
      where: ownerCondition(relation, key),
    }),
  );
}

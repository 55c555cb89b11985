import type { ModelMeta } from '../metadata/model-meta';
import { defaultConstraintName } from '../metadata/table-constraints';
import type { CheckSpec, IndexKeySpec, IndexSpec } from './schema-spec';

/** The indexes a model asks for (declared, and its belongsTo keys'), as schema specs. */
export function indexSpecsOf(meta: ModelMeta): IndexSpec[] {
  return meta.indexes.map((index) => {
    const keys = index.keys.map((k): IndexKeySpec => ({
      ...(k.column !== undefined ? { column: k.column } : { expression: k.expression! }),
      ...(k.opclass ? { opclass: k.opclass } : {}),
      ...(k.order === 'desc' ? { order: 'desc' as const } : {}),
    }));
    return {
      name: index.name,
      unique: index.unique,
      method: index.using,
      columns: keys.map((k) => k.column ?? k.expression!),
      keys,
      where: index.where,
      valid: true,
      origin: index.origin,
    };
  });
}

export function checkSpecsOf(meta: ModelMeta): CheckSpec[] {
  return meta.checks.map((check) => ({ name: check.name, expression: check.expression }));
}

/** A join table's primary key `(a, b)` serves lookups by `a`; this index serves those by `b`. */
export function joinTableIndexes(table: string, otherColumns: readonly string[]): IndexSpec[] {
  return [
    {
      name: defaultConstraintName(table, [...otherColumns], 'idx'),
      unique: false,
      method: 'btree',
      columns: [...otherColumns],
      keys: otherColumns.map((column) => ({ column })),
      valid: true,
      origin: 'belongsTo',
    },
  ];
}

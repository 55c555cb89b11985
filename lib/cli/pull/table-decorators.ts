import type { IndexKeySpec, IndexSpec, TableSpec } from '../../migrations/schema-spec';
import { defaultConstraintName } from '../../metadata/table-constraints';
import { quote as str } from './column-mapping';
import { sqlTemplate } from './column-plan';
import type { PlannedDecorator, PullNote } from './model-plan';

/**
 * Whether a lookup by `columns` is served without an index of its own (the primary key, a
 * unique column, or a whole-table btree index leading with them), as the default index of a
 * `@BelongsTo` key is skipped then.
 */
export function isCovered(
  table: TableSpec,
  columns: readonly string[],
  uniqueColumns: ReadonlySet<string>,
): boolean {
  const leads = (keys: ReadonlyArray<string | undefined>) => columns.every((c, i) => keys[i] === c);
  return (
    leads(table.primaryKey) ||
    (columns.length === 1 && uniqueColumns.has(columns[0]!)) ||
    table.indexes.some(
      (i) => !i.where && i.method === 'btree' && leads(i.keys.map((k) => k.column)),
    )
  );
}

/**
 * The class decorators of a table's indexes, unique constraints and checks, each with its
 * name: `@Index`/`@Unique` (method, predicate, expressions, operator classes and orders
 * included) and `@Check`. Unique columns already declared `unique: true` are left out.
 */
export function planTableDecorators(
  table: TableSpec,
  properties: ReadonlyMap<string, string>,
  uniqueColumns: ReadonlySet<string>,
  belongsToKeys: ReadonlySet<string>,
  notes: PullNote[],
): PlannedDecorator[] {
  const decorators: PlannedDecorator[] = [];
  const isBelongsToDefault = (index: IndexSpec) => {
    const [key] = index.keys;
    if (index.keys.length !== 1 || !key!.column || key!.opclass || key!.order) return false;
    if (index.unique || index.where || index.method !== 'btree') return false;
    if (
      !belongsToKeys.has(key!.column) ||
      index.name !== defaultConstraintName(table.name, [key!.column], 'idx')
    )
      return false;
    // The default index is made only when nothing else serves the key.
    const others = { ...table, indexes: table.indexes.filter((i) => i !== index) };
    return !isCovered(others, [key!.column], uniqueColumns);
  };
  const property = (column: string) => str(properties.get(column)!);
  const declaredUnique = (name: string) =>
    table.uniques.some(
      (u) => u.name === name && u.columns.length === 1 && uniqueColumns.has(u.columns[0]!),
    );
  const indexes = table.indexes;
  for (const index of indexes) {
    if (index.unique && declaredUnique(index.name)) continue;
    // `@BelongsTo` makes this one.
    if (isBelongsToDefault(index)) continue;
    const options: Array<[string, string]> = [['name', str(index.name)]];
    if (index.method !== 'btree') options.push(['using', str(index.method)]);
    const byProperty = (pick: (k: IndexKeySpec) => string | undefined) =>
      index.keys
        .filter((k) => k.column && pick(k))
        .map((k) => `${properties.get(k.column!)!}: ${str(pick(k)!)}`);
    const opclass = byProperty((k) => k.opclass);
    if (opclass.length) options.push(['opclass', `{ ${opclass.join(', ')} }`]);
    const order = byProperty((k) => (k.order === 'desc' ? 'desc' : undefined));
    if (order.length) options.push(['order', `{ ${order.join(', ')} }`]);
    if (index.where) options.push(['where', sqlTemplate(index.where)]);
    if (index.keys.some((k) => k.expression && (k.opclass || k.order === 'desc'))) {
      notes.push({
        object: `index ${index.name} on ${table.name}`,
        note: 'an operator class or order on an expression: declared without it',
      });
    }
    if (!index.valid) {
      notes.push({
        object: `index ${index.name} on ${table.name}`,
        note: 'INVALID (a concurrent build failed): declared; the next migration builds it again',
      });
    }
    if (/ INCLUDE /.test(index.definition ?? '')) {
      notes.push({
        object: `index ${index.name} on ${table.name}`,
        note: 'INCLUDE columns: declared without them',
      });
    }
    const keys = index.keys.map((k) =>
      k.column ? property(k.column) : sqlTemplate(k.expression!),
    );
    decorators.push({
      decorator: index.unique ? 'Unique' : 'Index',
      args: [`[${keys.join(', ')}]`],
      options,
    });
  }
  for (const unique of table.uniques) {
    if (unique.columns.length === 1 && uniqueColumns.has(unique.columns[0]!)) continue;
    if (indexes.some((i) => i.name === unique.name)) continue;
    decorators.push({
      decorator: 'Unique',
      args: [`[${unique.columns.map(property).join(', ')}]`],
      options: [['name', str(unique.name)]],
    });
  }
  for (const check of table.checks) {
    decorators.push({
      decorator: 'Check',
      args: [sqlTemplate(check.expression)],
      options: [['name', str(check.name)]],
    });
  }
  return decorators;
}

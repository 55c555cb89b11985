import type { TableSpec } from '../../migrations/schema-spec';
import { quote as str } from './column-mapping';
import type { PlannedDecorator } from './model-plan';

/**
 * The class decorators of a table's constraints and indexes: `@Unique` for unique constraints
 * and indexes not declared on their column, with their names.
 */
export function planTableDecorators(
  table: TableSpec,
  properties: ReadonlyMap<string, string>,
  uniqueColumns: ReadonlySet<string>,
): PlannedDecorator[] {
  const decorators: PlannedDecorator[] = [];
  const list = (columns: readonly string[]) =>
    `[${columns.map((c) => str(properties.get(c)!)).join(', ')}]`;
  for (const unique of table.uniques) {
    if (unique.columns.length === 1 && uniqueColumns.has(unique.columns[0]!)) continue;
    decorators.push({
      decorator: 'Unique',
      args: [list(unique.columns)],
      options: [['name', str(unique.name)]],
    });
  }
  return decorators;
}

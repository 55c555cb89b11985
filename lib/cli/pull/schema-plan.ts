import type { ForeignKeySpec, SchemaSpec, TableSpec } from '../../migrations/schema-spec';
import { snakeCaseNaming } from '../../metadata/naming-strategy';
import { defaultConstraintName } from '../../metadata/table-constraints';
import { planColumns } from './column-plan';
import { quote as str } from './column-mapping';
import type { ModelPlan, PlannedProperty, PullNote } from './model-plan';
import {
  camelCase,
  classNamesFor,
  lowerFirst,
  modelFileName,
  pluralProperty,
  PropertyNames,
} from './pull-naming';
import type { SchemaCatalog } from './schema-catalog';
import { isCovered, planTableDecorators } from './table-decorators';

/** The models to write, the join tables mapped as `@ManyToMany` only, and what was not mapped. */
export interface SchemaPlan {
  models: ModelPlan[];
  joinTables: string[];
  notes: PullNote[];
}

/** A link table reduced to `@ManyToMany` on both sides (with a model when it has timestamps). */
interface JoinTable {
  table: TableSpec;
  keys: [ForeignKeySpec, ForeignKeySpec];
  /** Whether it has timestamp columns besides its keys, which need a model to round-trip. */
  needsModel: boolean;
}

/** A `timestamp` column stamped with the time by default, as link tables often carry. */
function isTimestamp(table: TableSpec, column: string): boolean {
  const spec = table.columns.find((c) => c.name === column)!;
  return spec.type.startsWith('timestamp') && spec.default === 'now()';
}

/**
 * Whether a join table's indexes are the ones a `@ManyToMany` through the table name gives it:
 * the primary key serves lookups by its first side, one index by the other. The side named
 * first in `models` (class-name order) decides which column that is.
 */
function hasJoinTableIndexes(
  table: TableSpec,
  keys: readonly [ForeignKeySpec, ForeignKeySpec],
  classNames: ReadonlyMap<string, string>,
): boolean {
  const [a, b] = keys.map((k) => classNames.get(k.table) ?? k.table);
  const other = a === b || a!.localeCompare(b!) <= 0 ? keys[1] : keys[0];
  const column = other.columns[0]!;
  return (
    table.indexes.length === 1 &&
    table.indexes.every(
      (i) =>
        !i.unique &&
        !i.where &&
        i.method === 'btree' &&
        i.name === defaultConstraintName(table.name, [column], 'idx') &&
        i.columns.join() === column,
    )
  );
}

/**
 * A join table: its primary key is exactly two single-column foreign keys to modelled tables,
 * and it has no other columns except timestamps.
 */
function joinTableOf(table: TableSpec, modelled: ReadonlySet<string>): JoinTable | undefined {
  if (table.primaryKey.length !== 2) return undefined;
  const keys = table.primaryKey.map((column) =>
    table.foreignKeys.find(
      (fk) => fk.columns.length === 1 && fk.columns[0] === column && modelled.has(fk.table),
    ),
  );
  if (!keys[0] || !keys[1]) return undefined;
  const others = table.columns.filter((c) => !table.primaryKey.includes(c.name));
  if (!others.every((c) => isTimestamp(table, c.name))) return undefined;
  return { table, keys: [keys[0], keys[1]], needsModel: others.length > 0 };
}

/** Whether the columns are the table's primary key or carry a unique constraint or index. */
function isUnique(table: TableSpec, columns: readonly string[]): boolean {
  const same = (other: readonly string[]) =>
    other.length === columns.length && other.every((c) => columns.includes(c));
  return same(table.primaryKey) || table.uniques.some((u) => same(u.columns));
}

function relation(
  decorator: string,
  target: string,
  options: Array<[string, string]>,
  property: string,
  tsType: string,
): PlannedProperty {
  return {
    decorator,
    args: [`() => ${target}`],
    options,
    property,
    tsType,
    refersTo: [target],
  };
}

/** `['a']` → `'a'`, `['a', 'b']` → `['a', 'b']`: a key option for one or several columns. */
function keyOption(properties: readonly string[]): string {
  return properties.length === 1 ? str(properties[0]!) : `[${properties.map(str).join(', ')}]`;
}

/**
 * Plans the model files of a schema: a model per table (partitions are left to their
 * partitioned table), relations on both sides of every foreign key, join tables as
 * `@ManyToMany`, indexes and checks as class decorators, and notes on what was not mapped.
 */
export function planSchema(
  schema: SchemaSpec,
  catalog: SchemaCatalog,
  selected?: readonly string[],
): SchemaPlan {
  const notes: PullNote[] = [];
  const partitions = new Map(catalog.partitions.map((p) => [p.table, p.parent]));
  // A materialized view's unique index makes it look like a table without columns.
  const views = new Set([...catalog.views, ...catalog.materializedViews]);
  const tables = [...schema.tables.values()].filter(
    (t) => !partitions.has(t.name) && !views.has(t.name),
  );
  const chosen = new Set(selected ?? tables.map((t) => t.name));
  // The join tables between chosen tables come with them.
  const candidates = tables.filter(
    (t) => chosen.has(t.name) || joinTableOf(t, chosen) !== undefined,
  );
  const tableNames = new Set(candidates.map((t) => t.name));
  const joinTables = new Map<string, JoinTable>();
  const provisionalNames = classNamesFor([...tableNames]);
  for (const table of candidates) {
    const join = joinTableOf(table, tableNames);
    if (!join) continue;
    // Other indexes need a model to declare them.
    if (!join.needsModel && !hasJoinTableIndexes(table, join.keys, provisionalNames)) {
      join.needsModel = true;
    }
    joinTables.set(table.name, join);
  }
  const modelTables = candidates.filter(
    (t) => !joinTables.get(t.name) || joinTables.get(t.name)!.needsModel,
  );
  const classNames = classNamesFor(modelTables.map((t) => t.name));
  const names = new Map<string, PropertyNames>();
  const columnProperties = new Map<string, Map<string, string>>();
  const plans = new Map<string, ModelPlan>();
  const uniqueColumnsOf = new Map<string, ReadonlySet<string>>();

  for (const table of modelTables) {
    const className = classNames.get(table.name)!;
    const claimed = new PropertyNames();
    const properties = new Map<string, string>();
    for (const column of table.columns)
      properties.set(column.name, claimed.claim(camelCase(column.name)));
    names.set(table.name, claimed);
    columnProperties.set(table.name, properties);
    const uniqueColumns: ReadonlySet<string> = new Set(
      table.uniques
        .filter((u) => u.columns.length === 1 && u.name === `${table.name}_${u.columns[0]}_key`)
        .map((u) => u.columns[0]!),
    );
    uniqueColumnsOf.set(table.name, uniqueColumns);
    plans.set(table.name, {
      table: table.name,
      className,
      fileName: modelFileName(className),
      tableNameNeeded: snakeCaseNaming.tableName(className) !== table.name,
      comment: catalog.tableComments.get(table.name),
      columns: planColumns(table, properties, schema.enums, catalog, uniqueColumns, notes),
      relations: [],
      classDecorators: planTableDecorators(
        table,
        properties,
        uniqueColumns,
        new Set(
          table.foreignKeys
            .filter((fk) => fk.columns.length === 1 && tableNames.has(fk.table))
            .map((fk) => fk.columns[0]!),
        ),
        notes,
      ),
    });
  }
  const propertiesOf = (table: string, columns: readonly string[]) =>
    columns.map((c) => columnProperties.get(table)!.get(c)!);
  const isKey = (table: TableSpec, columns: readonly string[]) =>
    columns.length === table.primaryKey.length &&
    columns.every((c, i) => c === table.primaryKey[i]);

  // Belongs-to first, on every model, so their names are settled before the inverse sides
  // (which derive theirs from them) are named.
  const inverses: Array<() => void> = [];
  for (const table of modelTables) {
    const plan = plans.get(table.name)!;
    const join = joinTables.get(table.name);
    for (const fk of table.foreignKeys) {
      const target = plans.get(fk.table);
      if (!target) {
        notes.push({
          object: `${table.name}.${fk.name}`,
          note: `references ${fk.table}, which is not pulled: the key stays a plain column`,
        });
        continue;
      }
      const targetTable = schema.tables.get(fk.table)!;
      const single = fk.columns.length === 1 ? fk.columns[0]! : undefined;
      const base =
        single && /.+_id$/.test(single)
          ? camelCase(single.slice(0, -3))
          : lowerFirst(target.className);
      const name = names.get(table.name)!.claim(base, `${base}${target.className}`);
      const foreignKey = propertiesOf(table.name, fk.columns);
      const options: Array<[string, string]> = [];
      if (foreignKey.length > 1 || foreignKey[0] !== `${name}Id`) {
        options.push(['foreignKey', keyOption(foreignKey)]);
      }
      if (!isKey(targetTable, fk.refColumns)) {
        options.push(['otherKey', keyOption(propertiesOf(fk.table, fk.refColumns))]);
      }
      // Migrations index a belongs-to key by default: a key the database does not index opts out.
      if (!isCovered(table, fk.columns, uniqueColumnsOf.get(table.name)!)) {
        options.push(['index', 'false']);
      }
      const nullable = fk.columns.some(
        (c) => table.columns.find((column) => column.name === c)!.nullable,
      );
      plan.relations.push(
        relation(
          'BelongsTo',
          target.className,
          options,
          name,
          `Rel<${target.className}>${nullable ? ' | null' : ''}`,
        ),
      );
      if (join) continue;
      inverses.push(() => {
        const siblings = table.foreignKeys.filter((f) => f.table === fk.table).length;
        const unique = isUnique(table, fk.columns);
        const plain = lowerFirst(plan.className);
        let inverse = unique ? plain : pluralProperty(plain);
        if (siblings > 1 && name !== lowerFirst(target.className)) {
          inverse = `${name}${pascal(unique ? plain : pluralProperty(plain))}`;
        }
        const inverseName = names.get(fk.table)!.claim(inverse, `${inverse}By${pascal(name)}`);
        const inverseOptions: Array<[string, string]> = [['foreignKey', keyOption(foreignKey)]];
        if (!isKey(targetTable, fk.refColumns)) {
          inverseOptions.push(['localKey', keyOption(propertiesOf(fk.table, fk.refColumns))]);
        }
        target.relations.push(
          relation(
            unique ? 'HasOne' : 'HasMany',
            plan.className,
            inverseOptions,
            inverseName,
            unique ? `Rel<${plan.className}> | null` : `Rel<${plan.className}>[]`,
          ),
        );
      });
    }
  }
  for (const add of inverses) add();

  for (const join of joinTables.values()) {
    const joinPlan = plans.get(join.table.name);
    const through = joinPlan ? `() => ${joinPlan.className}` : str(join.table.name);
    const keyProperty = (fk: ForeignKeySpec) =>
      joinPlan ? propertiesOf(join.table.name, fk.columns)[0]! : camelCase(fk.columns[0]!);
    const selfReferential = join.keys[0].table === join.keys[1].table;
    for (const [own, other] of [join.keys, [join.keys[1], join.keys[0]]] as const) {
      const owner = plans.get(own.table)!;
      const target = plans.get(other.table)!;
      const base = selfReferential
        ? pluralProperty(camelCase(other.columns[0]!.replace(/_id$/, '')))
        : pluralProperty(lowerFirst(target.className));
      const name = names
        .get(own.table)!
        .claim(base, `${camelCase(join.table.name)}${pascal(base)}`);
      owner.relations.push({
        ...relation(
          'ManyToMany',
          target.className,
          [
            ['through', through],
            ['foreignKey', str(keyProperty(own))],
            ['otherKey', str(keyProperty(other))],
          ],
          name,
          `Rel<${target.className}>[]`,
        ),
        refersTo: joinPlan ? [target.className, joinPlan.className] : [target.className],
      });
    }
  }

  for (const partition of catalog.partitions) {
    if (!tableNames.has(partition.parent)) continue;
    notes.push({
      object: partition.table,
      note: `a partition of ${partition.parent}: rows are read and written through the ${partition.parent} model; its own keys, indexes and constraints stay in the database`,
    });
  }
  return {
    models: [...plans.values()].sort((a, b) => a.className.localeCompare(b.className)),
    joinTables: [...joinTables.values()].filter((j) => !j.needsModel).map((j) => j.table.name),
    notes,
  };
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

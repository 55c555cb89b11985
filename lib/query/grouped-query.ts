import type { Connection } from '../context/connection';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { and, column, type AggregateFunction, type Expr } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import type { SqlFragment } from '../sql/sql-fragment';
import { aggregateValue } from './aggregate-result';
import type { AttributeKeys } from './attribute-types';
import { fieldOf } from './field-lookup';

type GroupRow<T, K extends keyof T, A extends string, V> = { [P in K]: T[P] } & { [P in A]: V };

/**
 * Aggregates per group: `Post.all().groupBy('authorId').count()` → `[{ authorId: 1, count: 3 }]`.
 *
 * @example
 * await Order.where({ paid: true }).groupBy('customerId').sum('total');
 */
export class GroupedQuery<T, K extends AttributeKeys<T>> {
  constructor(
    private readonly meta: ModelMeta,
    private readonly connection: Connection,
    private readonly groups: readonly ColumnMeta[],
    private readonly where: readonly Expr[],
    private readonly havingExpr?: SqlFragment,
  ) {}

  /** A HAVING condition, as a `sql` fragment: `having(sql\`count(*) > ${n}\`)`. */
  having(condition: SqlFragment): GroupedQuery<T, K> {
    return new GroupedQuery(this.meta, this.connection, this.groups, this.where, condition);
  }

  async count(): Promise<Array<GroupRow<T, K, 'count', number>>> {
    const rows = await this.run('count', '*');
    return rows.map((row) => ({ ...row, count: Number(row.count) })) as never;
  }

  sum<F extends AttributeKeys<T>>(field: F): Promise<Array<GroupRow<T, K, 'sum', T[F]>>> {
    return this.fieldAggregate('sum', field);
  }

  avg<F extends AttributeKeys<T>>(field: F): Promise<Array<GroupRow<T, K, 'avg', T[F] | null>>> {
    return this.fieldAggregate('avg', field);
  }

  min<F extends AttributeKeys<T>>(field: F): Promise<Array<GroupRow<T, K, 'min', T[F] | null>>> {
    return this.fieldAggregate('min', field);
  }

  max<F extends AttributeKeys<T>>(field: F): Promise<Array<GroupRow<T, K, 'max', T[F] | null>>> {
    return this.fieldAggregate('max', field);
  }

  private async fieldAggregate(
    fn: 'sum' | 'avg' | 'min' | 'max',
    property: string,
  ): Promise<never> {
    const field = fieldOf(this.meta, property);
    const rows = await this.run(fn, column(field.name));
    return rows.map((row) => ({ ...row, [fn]: aggregateValue(field, fn, row[fn]) })) as never;
  }

  private async run(fn: AggregateFunction, arg: Expr | '*'): Promise<Record<string, unknown>[]> {
    const keys: Expr[] = this.groups.map((g) => column(g.name));
    const { rows } = await this.connection.execute(
      compileStatement({
        kind: 'select',
        from: this.meta.tableName,
        columns: [
          ...this.groups.map((g): Expr => ({
            kind: 'alias',
            item: column(g.name),
            alias: g.property,
          })),
          { kind: 'alias', item: { kind: 'aggregate', fn, arg, distinct: false }, alias: fn },
        ],
        where: this.where.length ? and(this.where) : undefined,
        groupBy: keys,
        having: this.havingExpr ? { kind: 'fragment', fragment: this.havingExpr } : undefined,
        orderBy: keys.map((expr) => ({ expr, direction: 'ASC' as const })),
      }),
    );
    return rows;
  }
}

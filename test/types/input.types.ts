/**
 * Compile-time contract of request-input policies. `npm test` type-checks this file: every
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import { BelongsTo, Column, Model, PrimaryKey, Table, permitQuery } from '../../lib';

@Table()
class Writer extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table()
class Story extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
  @Column() writerId!: number;
  @BelongsTo(() => Writer) writer!: Writer;
}

export function policyContract(): void {
  permitQuery(Story, {
    filter: { title: ['eq', 'ilike'], 'writer.name': true },
    sort: ['title', 'id'],
    include: ['writer'],
    limit: { default: 10, max: 50 },
  });

  // @ts-expect-error unknown field
  permitQuery(Story, { filter: { titel: true } });
  // @ts-expect-error unknown field through a relation
  permitQuery(Story, { filter: { 'writer.nmae': true } });
  // @ts-expect-error unknown operator
  permitQuery(Story, { filter: { title: ['regex'] } });
  // @ts-expect-error sort by a relation, not a field
  permitQuery(Story, { sort: ['writer'] });
  // @ts-expect-error include of something that is not a relation
  permitQuery(Story, { include: ['title'] });
}

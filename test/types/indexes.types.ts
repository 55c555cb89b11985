/**
 * Compile-time contract of index and check declarations. `npm test` type-checks this file:
 * every `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import { BelongsTo, Check, Column, Index, Model, PrimaryKey, Table, Unique, sql } from '../../lib';

@Table('typed_products')
@Index(['title'], { name: 'typed_title', where: sql`deleted_at IS NULL`, using: 'btree' })
@Index([sql`lower(title)`], { unique: true })
@Index(['title'], { opclass: { title: 'text_pattern_ops' }, order: { title: 'desc' } })
@Unique(['title', 'price'])
@Check(sql`price >= 0`, { name: 'typed_price_check' })
// @ts-expect-error an access method PostgreSQL does not have
@Index(['title'], { using: 'bitmap' })
// @ts-expect-error a predicate is written with the sql tag, never as a string
@Index(['title'], { where: 'deleted_at IS NULL' })
// @ts-expect-error a check is written with the sql tag
@Check('price >= 0')
// @ts-expect-error order is asc or desc
@Index(['title'], { order: { title: 'down' } })
// @ts-expect-error @Unique is unique already
@Unique(['title'], { unique: false })
export class TypedProduct extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
  @Column() price!: number;
  @Column() ownerId!: number;
  @BelongsTo(() => TypedProduct, { index: false }) owner!: TypedProduct;
  // @ts-expect-error index takes a boolean
  @BelongsTo(() => TypedProduct, { index: 'yes' }) other!: TypedProduct;
}

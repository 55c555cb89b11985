import { BelongsTo, Column, ManyToMany, Model, Orm, PrimaryKey, Table } from '../../lib';

// A port nothing listens on: a model mistake must be reported before any connection attempt.
const unreachable = 'postgres://postgres@127.0.0.1:1/none';

describe('model declaration mistakes are reported at connect, before the database', () => {
  it('a union-typed column without a type', async () => {
    @Table('mistake_unions')
    class Mistake extends Model {
      @PrimaryKey() id!: number;
      @Column() amount!: number | string;
    }
    await expect(Orm.connect({ url: unreachable, models: [Mistake] })).rejects.toThrow(
      /Mistake\.amount: cannot infer the column type/,
    );
  });

  it('an enum column without values', async () => {
    @Table('mistake_enums')
    class Mistake extends Model {
      @PrimaryKey() id!: number;
      @Column({ type: 'enum' }) status!: string;
    }
    await expect(Orm.connect({ url: unreachable, models: [Mistake] })).rejects.toThrow(
      /Mistake\.status: an enum column needs its values/,
    );
  });

  it('no primary key (several make a composite key)', async () => {
    @Table('mistake_keyless')
    class Keyless extends Model {
      @Column() name!: string;
    }
    await expect(Orm.connect({ url: unreachable, models: [Keyless] })).rejects.toThrow(
      /Keyless must declare a @PrimaryKey\(\)/,
    );
  });

  it('a relation to a composite key without the key columns, or with too few', async () => {
    @Table('mistake_orders')
    class Order extends Model {
      @PrimaryKey() tenantId!: number;
      @PrimaryKey() id!: number;
    }
    @Table('mistake_lines')
    class Line extends Model {
      @PrimaryKey() id!: number;
      @Column() tenantId!: number;
      @Column() orderId!: number;
      @BelongsTo(() => Order) order!: Order;
    }
    @Table('mistake_short_lines')
    class ShortLine extends Model {
      @PrimaryKey() id!: number;
      @Column() orderId!: number;
      @BelongsTo(() => Order, { foreignKey: 'orderId' }) order!: Order;
    }
    @Table('mistake_tags')
    class Tag extends Model {
      @PrimaryKey() id!: number;
      @ManyToMany(() => Order, { through: 'mistake_order_tags' }) orders!: Order[];
    }
    await expect(Orm.connect({ url: unreachable, models: [Order, Line] })).rejects.toThrow(
      /Line\.order: the referenced key is composite \(tenantId, id\); name the foreignKey as a list, e\.g\. \{ foreignKey: \['tenantId', 'id'\] \}/,
    );
    await expect(Orm.connect({ url: unreachable, models: [Order, ShortLine] })).rejects.toThrow(
      /ShortLine\.order: the foreign key has 1 column\(s\) \(orderId\) but the key it refers to has 2 \(tenantId, id\)/,
    );
    await expect(Orm.connect({ url: unreachable, models: [Order, Tag] })).rejects.toThrow(
      /Tag\.orders: the referenced key is composite .* otherKey/,
    );
  });

  it('an unknown column type', () => {
    expect(() => {
      @Table('mistake_types')
      class Mistake extends Model {
        @PrimaryKey() id!: number;
        // @ts-expect-error: not a column type
        @Column({ type: 'strnig' }) name!: string;
      }
      return Mistake;
    }).toThrow(/strnig/);
  });
});

import {
  BelongsTo,
  Check,
  Column,
  Index,
  Model,
  Orm,
  PrimaryKey,
  Table,
  Unique,
  sql,
  type ModelClass,
} from '../../lib';

describe('declarations checked when the model is set up', () => {
  const connectWith = (model: ModelClass) => Orm.connect({ models: [model] });

  it.each([
    [
      'a misspelt property',
      () => {
        @Table('bad_a')
        @Index(['titel'])
        class BadA extends Model {
          @PrimaryKey() id!: number;
          @Column() title!: string;
        }
        return BadA;
      },
      /BadA @Index: BadA has no column property "titel"/,
    ],
    [
      'an empty list',
      () => {
        @Table('bad_b')
        @Unique([])
        class BadB extends Model {
          @PrimaryKey() id!: number;
        }
        return BadB;
      },
      /BadB @Unique: give at least one property or sql expression/,
    ],
    [
      'a bound value in an expression',
      () => {
        const limit = 5;
        @Table('bad_c')
        @Check(sql`price >= ${limit}`)
        class BadC extends Model {
          @PrimaryKey() id!: number;
          @Column() price!: number;
        }
        return BadC;
      },
      /BadC @Check: a schema expression cannot have bound values/,
    ],
    [
      'a plain string as a predicate',
      () => {
        @Table('bad_d')
        @Index(['title'], { where: 'deleted_at IS NULL' as never })
        class BadD extends Model {
          @PrimaryKey() id!: number;
          @Column() title!: string;
        }
        return BadD;
      },
      /BadD @Index where: write SQL with the sql tag/,
    ],
    [
      'an operator class that is not a name',
      () => {
        @Table('bad_e')
        @Index(['title'], { opclass: { title: 'text_ops); drop table users; --' } })
        class BadE extends Model {
          @PrimaryKey() id!: number;
          @Column() title!: string;
        }
        return BadE;
      },
      /BadE @Index: "text_ops\); drop table users; --" is not an operator class name/,
    ],
    [
      'an order for a property the index does not list',
      () => {
        @Table('bad_f')
        @Index(['title'], { order: { id: 'desc' } })
        class BadF extends Model {
          @PrimaryKey() id!: number;
          @Column() title!: string;
        }
        return BadF;
      },
      /BadF @Index: order names "id", which the index does not list/,
    ],
    [
      'an unknown access method',
      () => {
        @Table('bad_g')
        @Index(['title'], { using: 'btree; drop table users' as never })
        class BadG extends Model {
          @PrimaryKey() id!: number;
          @Column() title!: string;
        }
        return BadG;
      },
      /BadG @Index: using must be one of btree, hash, gist, gin, brin, spgist/,
    ],
    [
      'two indexes of one name',
      () => {
        @Table('bad_h')
        @Index(['title'], { name: 'same' })
        @Index(['id', 'title'], { name: 'same' })
        class BadH extends Model {
          @PrimaryKey() id!: number;
          @Column() title!: string;
        }
        return BadH;
      },
      /BadH: two indexes or checks are named "same"/,
    ],
    [
      'a name PostgreSQL would cut',
      () => {
        @Table('bad_i')
        @Index(['title'], { name: 'x'.repeat(64) })
        class BadI extends Model {
          @PrimaryKey() id!: number;
          @Column() title!: string;
        }
        return BadI;
      },
      /longer than PostgreSQL's 63 bytes/,
    ],
  ])('rejects %s with a TypeError', async (_, declare, message) => {
    const error = await connectWith(declare() as unknown as ModelClass).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
  });

  it('a belongsTo key is indexed unless it opts out or something leads with it', async () => {
    @Table('fk_owners')
    class Owner extends Model {
      @PrimaryKey() id!: number;
    }
    @Table('fk_items')
    @Index(['ownerId', 'id'])
    class Item extends Model {
      @PrimaryKey() id!: number;
      @Column() ownerId!: number;
      @Column() makerId!: number;
      @Column() reviewerId!: number;
      @Column({ unique: true }) sellerId!: number;
      @BelongsTo(() => Owner) owner!: Owner;
      @BelongsTo(() => Owner) maker!: Owner;
      @BelongsTo(() => Owner, { index: false }) reviewer!: Owner;
      @BelongsTo(() => Owner) seller!: Owner;
    }
    const orm = await Orm.connect({ models: [Owner, Item] });
    try {
      const meta = orm.metaOf(Item)!;
      expect(meta.indexes.map((i) => [i.name, i.origin])).toEqual([
        ['fk_items_owner_id_id_idx', 'declared'],
        ['fk_items_maker_id_idx', 'belongsTo'],
      ]);
    } finally {
      await orm.close();
    }
  });
});

import { Column, Model, Orm, PrimaryKey, Table } from '../../lib';

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

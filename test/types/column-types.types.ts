/**
 * Compile-time contract of column types: transformers fit their property, range fields take
 * ranges and their operators. Every `@ts-expect-error` line must fail to compile.
 */
import { Column, Model, PrimaryKey, Range, Table, type ColumnTransformer } from '../../lib';

class Money {
  constructor(readonly cents: bigint) {}
}

const cents: ColumnTransformer<Money, string> = {
  toDatabase: (money) => money.cents.toString(),
  fromDatabase: (raw) => new Money(BigInt(raw)),
};

@Table()
class Product extends Model {
  @PrimaryKey() id!: number;
  @Column({ type: 'bigint', transformer: cents }) price!: Money;
  @Column({ type: 'bigint', nullable: true, transformer: cents }) discount!: Money | null;
  @Column({
    type: 'text',
    transformer: {
      toDatabase: (url: URL) => url.href,
      fromDatabase: (raw: string) => new URL(raw),
    },
  })
  homepage!: URL;
  @Column({ type: 'int4range' }) ages!: Range<number>;
  @Column({ type: 'tstzrange', nullable: true }) window!: Range<Date> | null;
  @Column({ type: 'inet' }) ip!: string;
  @Column({ type: 'bytea' }) firmware!: Buffer;
  @Column({ type: 'integer', sqlType: 'year' }) releaseYear!: number;
}

const urlAsText = { toDatabase: (v: URL) => v.href, fromDatabase: (raw: string) => raw };

export class Mismatched extends Model {
  @PrimaryKey() id!: number;
  // @ts-expect-error the transformer's value type is Money, the property is a string
  @Column({ type: 'bigint', transformer: cents }) price!: string;
  // @ts-expect-error toDatabase and fromDatabase disagree on the property's type
  @Column({ type: 'text', transformer: urlAsText }) homepage!: URL;
}

export function typeContract(): void {
  Product.where({ price: new Money(1n), discount: null, homepage: new URL('https://a.b') });
  Product.where({ price: [new Money(1n), new Money(2n)] });
  Product.where({ ages: new Range(1, 5), window: { overlaps: new Range(new Date(), null) } });
  Product.where({ ages: { contains: 3 }, ip: { containedBy: '10.0.0.0/8' } });
  Product.where({ ages: [new Range(1, 2), Range.empty()], firmware: Buffer.from([1]) });
  Product.build({ ages: new Range(1, 2, '[]'), price: new Money(5n) });

  // @ts-expect-error a range field contains its own bound type
  Product.where({ ages: { contains: 'x' } });
  // @ts-expect-error a range field compares with ranges, not bounds
  Product.where({ ages: 3 });
  // @ts-expect-error a transformer field takes its property's type
  Product.where({ price: '100' });
  // @ts-expect-error bounds follow the declared range type
  Product.build({ ages: new Range('a', 'b') });
}

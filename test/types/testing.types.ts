/**
 * Compile-time contract of the testing kit's factories. `npm test` type-checks this file: every
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import { BelongsTo, Column, ManyToMany, Model, PrimaryKey, Table } from '../../lib';
import { defineFactory } from '../../lib/testing';

@Table()
class Member extends Model {
  @PrimaryKey() id!: number;
  @Column() email!: string;
  @Column() admin!: boolean;
}

@Table()
class Badge extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table()
class Entry extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
  @Column() memberId!: number;
  @BelongsTo(() => Member) member!: Member;
  @ManyToMany(() => Badge, { through: 'entry_badges' }) badges!: Badge[];
}

export async function factoryContract(): Promise<void> {
  const members = defineFactory(Member, ({ sequence }) => ({ email: `m${sequence}@x.y` }), {
    traits: { admin: { admin: true } },
  });
  const badges = defineFactory(Badge, { name: 'gold' });
  const entries = defineFactory(Entry, () => ({ title: 'x', member: members, badges: [badges] }));

  const admin: Member = await members.create('admin', { email: 'a@x.y' });
  const built: Entry[] = entries.buildList(2, { member: admin });
  void built;

  // @ts-expect-error a field the model does not have
  defineFactory(Member, { emial: 'x' });
  // @ts-expect-error a value of the wrong type
  defineFactory(Member, { admin: 'yes' });
  // @ts-expect-error a trait the factory does not define
  members.build('owner');
  // @ts-expect-error a belongs-to takes a record or a factory of the target model
  entries.build({ member: badges });
  // @ts-expect-error a collection takes a list
  entries.build({ badges: badges });
}

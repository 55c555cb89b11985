/**
 * Compile-time contract of scopes, hooks and serialization. `npm test` type-checks this file:
 * every `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import { Column, Model, PrimaryKey, Table, scope, type Query } from '../../lib';

@Table()
class Story extends Model {
  @PrimaryKey() id!: number;
  @Column() title!: string;
  @Column() stars!: number;

  static starred = scope((q: Query<Story>, min: number = 1) => q.where({ stars: { gte: min } }));
  static titled = scope((q: Query<Story>, title: string) => q.where({ title }));
}

export async function scopeContract(): Promise<void> {
  const stories: Story[] = await Story.starred().titled('x').starred(3);
  void stories;
  await Story.titled('a').where({ stars: 2 }).order({ id: 'desc' });
  // @ts-expect-error a scope's arguments are typed
  Story.starred('many');
  // @ts-expect-error a scope that does not exist
  Story.starred().featured();
  // @ts-expect-error a required scope argument
  Story.titled();

  const story = (await Story.first())!;
  story.serialize({ only: ['id', 'title'] });
  // @ts-expect-error serialize takes the model's fields
  story.serialize({ only: ['nope'] });
  story.restoreAttributes('title');
  // @ts-expect-error restoreAttributes takes the model's fields
  story.restoreAttributes('nope');
  const before: [unknown, unknown] | undefined = story.previousChanges.title;
  void before;
}

import { InvalidQueryError, runInContext } from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import {
  Comment,
  Photo,
  Post,
  Tag,
  User,
  blogModels,
  blogSchema,
  resetBlog,
  seedBlog,
} from './blog-models';

describeEachDatabase(
  'counting related rows in the query (withCount)',
  { models: blogModels, schema: blogSchema },
  (db) => {
    beforeEach(async () => {
      await db().exec(resetBlog);
      await seedBlog(4, 3);
      // Zeros too: a user without posts, profile or follows; a photo gets one comment.
      await User.create({ name: 'loner', active: false });
      const photo = await Photo.create({ url: 'https://example.com/sunset.jpg' });
      await Comment.create({ commentableType: 'Photo', commentableId: photo.id, body: 'wow' });
    });

    /** What loading the relation gives, record by record: the reference. */
    async function loadedCounts<T extends User | Post | Photo | Tag>(
      records: T[],
      relation: string,
    ): Promise<number[]> {
      const counts: number[] = [];
      for (const record of records) {
        const value = await (record as unknown as { load(r: string): Promise<unknown> }).load(
          relation,
        );
        counts.push(Array.isArray(value) ? value.length : value ? 1 : 0);
      }
      return counts;
    }

    it('counts hasMany, hasOne and manyToMany rows in the same statement; countOf answers from it', async () => {
      db().resetQueries();
      const users = await User.order({ id: 'asc' }).withCount('posts', 'profile', 'followers');
      expect(db().queries).toHaveLength(1);
      expect(db().queries[0]!.text).toMatch(/count\(\*\)/);
      const counted = [];
      for (const user of users) {
        counted.push([
          await user.countOf('posts'),
          await user.countOf('profile'),
          await user.countOf('followers'),
        ]);
      }
      expect(db().queries).toHaveLength(1);
      const fresh = await User.order({ id: 'asc' });
      const posts = await loadedCounts(fresh, 'posts');
      const profiles = await loadedCounts(fresh, 'profile');
      const followers = await loadedCounts(fresh, 'followers');
      expect(counted).toEqual(fresh.map((_, i) => [posts[i], profiles[i], followers[i]]));
      expect(posts).toEqual([3, 3, 3, 3, 0]);
      expect(profiles).toEqual([1, 1, 1, 1, 0]);
      // Counting loads nothing: the relations still refuse to answer.
      expect(() => users[0]!.posts).toThrow(/not loaded/);
    });

    it('a polymorphic hasMany counts the rows of its own type only; a self-referential manyToMany each side', async () => {
      db().resetQueries();
      const posts = await Post.order({ id: 'asc' }).withCount('comments', 'tags');
      const photos = await Photo.order({ id: 'asc' }).withCount('comments');
      const postCounts = await Promise.all(posts.map((p) => p.countOf('comments')));
      const tagCounts = await Promise.all(posts.map((p) => p.countOf('tags')));
      expect(await Promise.all(photos.map((p) => p.countOf('comments')))).toEqual([1]);
      expect(db().queries).toHaveLength(2);
      const freshPosts = await Post.order({ id: 'asc' });
      expect(postCounts).toEqual(await loadedCounts(freshPosts, 'comments'));
      expect(tagCounts).toEqual(await loadedCounts(freshPosts, 'tags'));
      const following = await User.order({ id: 'asc' }).withCount('following', 'followers');
      const fresh = await User.order({ id: 'asc' });
      expect(await Promise.all(following.map((u) => u.countOf('following')))).toEqual(
        await loadedCounts(fresh, 'following'),
      );
    });

    it('works with both include strategies, select(), first(), findBy() and stream()', async () => {
      const expected = await loadedCounts(await User.order({ id: 'asc' }), 'posts');
      for (const strategy of ['json', 'queries'] as const) {
        db().resetQueries();
        const users = await User.order({ id: 'asc' })
          .limit(10)
          .include('posts')
          .includeStrategy(strategy)
          .withCount('posts', 'followers');
        expect(db().queries).toHaveLength(strategy === 'json' ? 1 : 2);
        expect(users.map((u) => u.posts.length)).toEqual(expected);
        expect(await Promise.all(users.map((u) => u.countOf('posts')))).toEqual(expected);
        expect(db().queries).toHaveLength(strategy === 'json' ? 1 : 2);
      }
      const names = await User.order({ id: 'asc' }).select('id', 'name').withCount('posts');
      expect(await Promise.all(names.map((u) => u.countOf('posts')))).toEqual(expected);
      const first = await User.order({ id: 'asc' }).withCount('posts').first();
      expect(await first!.countOf('posts')).toBe(3);
      db().resetQueries();
      // Concurrent lookups with and without counts are different statements.
      const [counted, plain] = await Promise.all([
        User.withCount('posts').findBy({ id: 2 }),
        User.all().findBy({ id: 3 }),
      ]);
      expect(db().queries).toHaveLength(2);
      expect(await counted!.countOf('posts')).toBe(3);
      expect(db().queries).toHaveLength(2);
      expect(await plain!.countOf('posts')).toBe(3);
      expect(db().queries).toHaveLength(3);
      const streamed: number[] = [];
      for await (const user of User.order({ id: 'asc' }).withCount('posts').stream({
        batchSize: 3,
      })) {
        streamed.push(await user.countOf('posts'));
      }
      expect(streamed).toEqual(expected);
    });

    it('a count taken by a later query replaces the earlier one on the same record', async () => {
      await runInContext(async () => {
        const [user] = await User.where({ id: 2 }).withCount('posts');
        expect(await user!.countOf('posts')).toBe(3);
        await Post.create({ authorId: 2, title: 'one more', stars: 1 });
        const [again] = await User.where({ id: 2 }).withCount('posts');
        expect(again).toBe(user); // the request's identity map
        expect(await again!.countOf('posts')).toBe(4);
      });
    });

    it('anything but a collection relation is refused before any SQL', async () => {
      db().resetQueries();
      for (const name of ['author', 'title', '__proto__', 'constructor', 'posts; drop table x']) {
        expect(() => Post.withCount(name as never)).toThrow(InvalidQueryError);
      }
      expect(() => User.withCount(42 as never)).toThrow(/counts a hasMany, hasOne or manyToMany/);
      expect(() => Post.all().withCount('author' as never)).toThrow(/Post has comments, tags/);
      expect(db().queries).toEqual([]);
      expect(await Comment.count()).toBeGreaterThan(0);
    });
  },
);

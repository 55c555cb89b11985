import { DeleteRestrictedError, InvalidQueryError, OrmError } from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import {
  Comment,
  Photo,
  Post,
  Profile,
  Tag,
  User,
  blogModels,
  blogSchema,
  resetBlog,
  seedBlog,
} from './blog-models';

describeEachDatabase(
  'filtering through relations and association writes',
  { models: blogModels, schema: blogSchema },
  (db) => {
    beforeEach(async () => {
      await db().exec(resetBlog);
      await seedBlog(4, 3);
    });

    it('a filter or an include nested deeper than 8 relations is refused before any SQL', async () => {
      // As a request body could send it: author → posts → author → posts …
      const userFilter = (hops: number): Record<string, unknown> =>
        hops === 0 ? { active: true } : { posts: postFilter(hops - 1) };
      const postFilter = (hops: number): Record<string, unknown> =>
        hops === 0 ? { stars: 1 } : { author: userFilter(hops - 1) };
      const nested = (levels: number) => userFilter(levels);
      db().resetQueries();
      for (const levels of [9, 3000]) {
        expect(() => Post.where({ author: nested(levels - 1) } as never)).toThrow(
          /a where\(\) filter goes through more than 8 relations/,
        );
      }
      expect(() => Post.where({ author: nested(5) } as never).toSQL()).not.toThrow();
      const path = Array.from({ length: 10 }, (_, i) => (i % 2 ? 'author' : 'posts')).join('.');
      expect(() => User.all().include(path as never)).toThrow(/more than 8 relations/);
      expect(() =>
        User.all().include(JSON.parse(`${'{"posts":{"author":'.repeat(5)}true${'}}'.repeat(5)}`)),
      ).toThrow(/more than 8 relations/);
      expect(db().queries).toEqual([]);
    });

    it('filters through a belongsTo', async () => {
      const posts = await Post.where({ author: { active: true } }).order({ id: 'asc' });
      expect(new Set(posts.map((p) => p.authorId))).toEqual(new Set([1, 3]));
      expect(posts).toHaveLength(6);
    });

    it('filters through a hasMany with EXISTS: each parent once', async () => {
      // user0 has stars 0,1,2; user1 1,2,3; user2 2,3,4; user3 3,4,5
      const users = await User.where({ posts: { stars: { gte: 2 } } }).order({ id: 'asc' });
      expect(users.map((u) => u.name)).toEqual(['user0', 'user1', 'user2', 'user3']);
      const starred = await User.where({ posts: { stars: 5 } });
      expect(starred.map((u) => u.name)).toEqual(['user3']);
      expect(await User.where({ posts: { stars: { gte: 2 } } }).count()).toBe(4);
    });

    it('filters through several levels and through a manyToMany', async () => {
      const users = await User.where({ posts: { tags: { name: 'orm' } } }).order({ id: 'asc' });
      expect(users.length).toBeGreaterThan(0);
      for (const user of users) {
        const posts = await Post.where({ authorId: user.id }).include('tags');
        expect(posts.some((p) => p.tags.some((t) => t.name === 'orm'))).toBe(true);
      }
      const followersOfUser1 = await User.where({ following: { name: 'user1' } }).order({
        id: 'asc',
      });
      expect(followersOfUser1.map((u) => u.name)).toEqual(['user0', 'user2']);
      const tags = await Tag.where({ posts: { author: { name: 'user0' } } }).order({ name: 'asc' });
      expect(tags.map((t) => t.name)).toEqual(['nest', 'orm', 'sql']);
    });

    it('a relation filter combines with column conditions, or() and whereNot()', async () => {
      const posts = await Post.where({ stars: { gte: 3 }, author: { name: 'user3' } });
      expect(posts.map((p) => p.stars).sort()).toEqual([3, 4, 5]);
      const notByActive = await Post.all().whereNot({ author: { active: true } });
      expect(new Set(notByActive.map((p) => p.authorId))).toEqual(new Set([2, 4]));
    });

    it('joins keeps records that have at least one related record, once each', async () => {
      const lonely = await User.create({ name: 'lonely' });
      const withPosts = await User.all().joins('posts');
      expect(withPosts.map((u) => u.id)).not.toContain(lonely.id);
      expect(withPosts).toHaveLength(4);
    });

    it('orders through a belongsTo without duplicating rows', async () => {
      await User.where({ name: 'user0' }).updateAll({ name: 'zed' });
      const posts = await Post.order({ author: { name: 'desc' } }, { id: 'asc' });
      expect(posts).toHaveLength(12);
      expect(posts.slice(0, 3).map((p) => p.authorId)).toEqual([1, 1, 1]);
    });

    it('rejects unknown fields inside a relation filter before any SQL', () => {
      db().resetQueries();
      expect(() => Post.where({ author: { nmae: 'x' } } as never)).toThrow(InvalidQueryError);
      expect(() => Post.where(JSON.parse('{"author": {"__proto__": {"x": 1}}}'))).toThrow(
        InvalidQueryError,
      );
      expect(() => Post.where({ author: 'user0' } as never)).toThrow(
        /the relation "author" takes an object/,
      );
      expect(() => Comment.where({ commentable: { id: 1 } } as never)).toThrow(
        /polymorphic relation "commentable"/,
      );
      expect(db().queries).toHaveLength(0);
    });

    it('assigning a belongsTo sets the foreign key; a new parent is saved first', async () => {
      const post = (await Post.first())!;
      const user4 = (await User.findBy({ name: 'user3' }))!;
      post.author = user4;
      expect(post.authorId).toBe(user4.id);
      await post.save();
      expect((await Post.find(post.id)).authorId).toBe(user4.id);

      const fresh = Post.build({ title: 'by a newcomer' });
      fresh.author = User.build({ name: 'newcomer' });
      await fresh.save();
      const saved = await Post.where({ id: fresh.id }).include('author');
      expect(saved[0]!.author?.name).toBe('newcomer');
      expect(fresh.author.isPersisted).toBe(true);

      post.author = null;
      expect(post.authorId).toBeNull();
      await post.save();
      expect((await Post.find(post.id)).authorId).toBeNull();
    });

    it('assigning a record of the wrong model, or a collection, is refused', () => {
      const post = Post.build({ title: 'x' });
      expect(() => {
        post.author = Tag.build({ name: 'no' }) as never;
      }).toThrow(/takes a User record/);
      const user = User.build({ name: 'u' });
      expect(() => {
        user.posts = [Post.build({ title: 'p' })];
      }).toThrow(OrmError);
    });

    it('build on a collection creates a record referring to the owner', async () => {
      const [user] = await User.order({ id: 'asc' }).limit(1).include('posts');
      const draft = user!.build('posts', { title: 'drafted' });
      expect(draft).toBeInstanceOf(Post);
      expect(draft.authorId).toBe(user!.id);
      expect(draft.isNew).toBe(true);
      expect(user!.posts).toContain(draft);
      await draft.save();
      expect(await user!.countOf('posts')).toBe(4);
      const photo = await Photo.create({ url: 'u' });
      const comment = photo.build('comments', { body: 'hi' });
      expect(comment.commentableType).toBe('Photo');
      expect(comment.commentableId).toBe(photo.id);
      expect(() => User.build({ name: 'unsaved' }).build('posts', { title: 'x' })).toThrow(
        /save the User first/,
      );
    });

    it('addTo and removeFrom a manyToMany write join rows, once', async () => {
      const post = await Post.create({ title: 'tagged', authorId: 1 });
      const [nest, orm] = await Tag.order({ name: 'asc' }).limit(2);
      await post.addTo('tags', nest!, orm!);
      await post.addTo('tags', nest!); // already linked: no duplicate, no error
      const fresh = Tag.build({ name: 'fresh' });
      await post.addTo('tags', fresh);
      expect(fresh.isPersisted).toBe(true);
      let tags = await post.load('tags');
      expect(tags.map((t) => t.name).sort()).toEqual(['fresh', 'nest', 'orm']);
      await post.removeFrom('tags', orm!);
      expect(post.tags.map((t) => t.name).sort()).toEqual(['fresh', 'nest']);
      const reloaded = (await Post.where({ id: post.id }).include('tags'))[0]!;
      tags = reloaded.tags;
      expect(tags.map((t) => t.name).sort()).toEqual(['fresh', 'nest']);
      expect(await Tag.count({ name: 'orm' })).toBe(1);
    });

    it('countOf counts without loading, for all siblings in one query', async () => {
      const users = await User.order({ id: 'asc' });
      db().resetQueries();
      const counts = [];
      for (const user of users) counts.push(await user.countOf('posts'));
      expect(counts).toEqual([3, 3, 3, 3]);
      expect(db().queries).toHaveLength(1);
      expect(db().queries[0]!.text).toMatch(/GROUP BY/);
      const followers = [];
      for (const user of users) followers.push(await user.countOf('followers'));
      expect(followers).toEqual([2, 2, 2, 2]);
      expect(db().queries).toHaveLength(2);
      expect(() => users[0]!.posts).toThrow(); // still not loaded
    });

    it('dependent: destroy removes children (and theirs), nullify clears keys', async () => {
      const user = (await User.findBy({ name: 'user0' }))!;
      const postIds = await Post.where({ authorId: user.id }).pluck('id');
      const commentsByUser = await Comment.where({ authorId: user.id }).pluck('id');
      expect(commentsByUser.length).toBeGreaterThan(0);
      await user.destroy();
      expect(await Post.count({ authorId: user.id })).toBe(0);
      expect(await Profile.count({ userId: user.id })).toBe(0);
      expect(await Comment.where({ commentableType: 'Post', commentableId: postIds }).count()).toBe(
        0,
      );
      // comments the user wrote on other posts stay, without an author
      const kept = await Comment.where({ id: commentsByUser }).all();
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.every((c) => c.authorId === null)).toBe(true);
      // follows rows are gone with the user
      expect(await User.where({ following: { id: user.id } }).count()).toBe(0);
    });

    it('dependent: restrict refuses to destroy and changes nothing', async () => {
      const photo = await Photo.create({ url: 'p' });
      await photo.build('comments', { body: 'keep me' }).save();
      await expect(photo.destroy()).rejects.toBeInstanceOf(DeleteRestrictedError);
      expect(await Photo.count({ id: photo.id })).toBe(1);
      expect(await Comment.count({ commentableType: 'Photo', commentableId: photo.id })).toBe(1);
    });

    it('a failing dependent destroy rolls back the whole destroy', async () => {
      const user = (await User.findBy({ name: 'user1' }))!;
      // a row the ORM does not know about still refers to the user's posts
      await db().exec(
        `create table rel_blockers (post_id integer references rel_posts (id));
         insert into rel_blockers select id from rel_posts where author_id = ${user.id}`,
      );
      try {
        await expect(user.destroy()).rejects.toThrow();
        expect(await Post.count({ authorId: user.id })).toBe(3);
        expect(await Profile.count({ userId: user.id })).toBe(1);
      } finally {
        await db().exec('drop table rel_blockers');
      }
    });
  },
);

import { InvalidQueryError, RelationNotLoadedError } from '../../lib';
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

describeEachDatabase('eager and lazy loading', { models: blogModels, schema: blogSchema }, (db) => {
  beforeAll(async () => {
    await db().exec(resetBlog);
    await seedBlog(4, 3);
  });

  const selects = () => db().queries.filter((q) => q.text.startsWith('SELECT'));

  it('include loads a belongsTo for every record in one more query, with = ANY($1)', async () => {
    db().resetQueries();
    const posts = await Post.order({ id: 'asc' }).include('author');
    expect(posts).toHaveLength(12);
    expect(db().queries).toHaveLength(2);
    expect(db().queries[1]!.text).toMatch(/FROM "rel_users" WHERE "id" = ANY\(\$1::integer\[\]\)/);
    expect(posts[0]!.author?.name).toBe('user0');
    expect(posts[11]!.author?.name).toBe('user3');
    expect(posts[0]!.author?.id).toBe(posts[0]!.authorId);
  });

  it('nested includes cost one query per relation and level', async () => {
    db().resetQueries();
    const users = await User.order({ id: 'asc' }).include(
      'profile',
      'posts.comments.author',
      'posts.tags',
      'following',
    );
    // users, profile, posts, comments, comment authors, tags, following
    expect(db().queries).toHaveLength(7);
    const [first] = users;
    expect(first!.profile?.bio).toBe('bio of user0');
    expect(first!.posts.map((p) => p.title)).toEqual([
      'user0 post 0',
      'user0 post 1',
      'user0 post 2',
    ]);
    const comments = first!.posts[0]!.comments;
    expect(comments.map((c) => c.body)).toEqual([
      'first on user0 post 0',
      'second on user0 post 0',
    ]);
    expect(comments[0]!.author?.name).toBe('user1');
    expect(first!.posts[0]!.tags.map((t) => t.name).sort()).toEqual(['nest', 'sql']);
    expect(first!.following.map((u) => u.name).sort()).toEqual(['user1', 'user3']);
  });

  it('1,000 parents still cost one query per level', async () => {
    const many = await Post.insertAll(
      Array.from({ length: 1000 }, (_, i) => ({ authorId: (i % 4) + 1, title: `bulk ${i}` })),
    );
    try {
      db().resetQueries();
      const posts = await Post.where({ title: { like: 'bulk %' } }).include('author', 'comments');
      expect(posts).toHaveLength(1000);
      expect(db().queries).toHaveLength(3);
      expect(posts.every((p) => p.author !== null && p.comments.length === 0)).toBe(true);
    } finally {
      await Post.where({ id: many.map((p) => p.id) }).deleteAll();
    }
  });

  it('an include can be filtered and ordered', async () => {
    const posts = await Post.order({ id: 'asc' })
      .limit(2)
      .include({ comments: (q) => q.where({ approved: true }).order({ id: 'desc' }) });
    expect(posts[0]!.comments.map((c) => c.body)).toEqual([
      'second on user0 post 0',
      'first on user0 post 0',
    ]);
    expect(posts[1]!.comments.map((c) => c.body)).toEqual(['first on user0 post 1']);
  });

  it('object includes nest, and merge with path includes', async () => {
    db().resetQueries();
    const [post] = await Post.order({ id: 'asc' })
      .limit(1)
      .include({ comments: { author: true } }, 'comments.commentable', 'author');
    expect(post!.comments[0]!.author?.name).toBe('user1');
    expect(post!.comments[0]!.commentable).toBe(post!.comments[0]!.commentable);
    expect((post!.comments[0]!.commentable as Post).title).toBe('user0 post 0');
    // posts, comments, comment authors, commentables (posts), author
    expect(db().queries).toHaveLength(5);
  });

  it('an unknown include path throws before any SQL', () => {
    db().resetQueries();
    expect(() => Post.include('auther' as never)).toThrow(InvalidQueryError);
    expect(() => Post.include('comments.auther' as never)).toThrow(
      /Comment has no relation "auther" \(in include "comments.auther"\)/,
    );
    expect(() => Post.include(JSON.parse('{"__proto__": true}'))).toThrow(InvalidQueryError);
    expect(() => Post.include({ title: true } as never)).toThrow(/Post has no relation "title"/);
    expect(db().queries).toHaveLength(0);
  });

  it('lazy loads batch across the records of one query: a loop costs one query', async () => {
    const posts = await Post.order({ id: 'asc' });
    db().resetQueries();
    const names: string[] = [];
    for (const post of posts) names.push((await post.load('author'))!.name);
    expect(names).toHaveLength(12);
    expect(names[0]).toBe('user0');
    expect(db().queries).toHaveLength(1);
    // loaded now: reading costs nothing
    expect(posts[5]!.author?.name).toBe(names[5]);
    expect(db().queries).toHaveLength(1);
  });

  it('concurrent lazy loads of one relation share one query', async () => {
    const posts = await Post.order({ id: 'asc' });
    db().resetQueries();
    const comments = await Promise.all(posts.map((p) => p.load('comments')));
    expect(comments.map((c) => c.length)).toEqual(Array(12).fill(2));
    expect(db().queries).toHaveLength(1);
  });

  it('records loaded by a lazy load batch their own lazy loads too', async () => {
    const users = await User.order({ id: 'asc' });
    db().resetQueries();
    for (const user of users) {
      for (const post of await user.load('posts')) await post.load('tags');
    }
    expect(selects()).toHaveLength(2);
  });

  it('reading an unloaded relation throws RelationNotLoadedError naming the fix', async () => {
    const post = (await Post.first())!;
    expect(() => post.author).toThrow(RelationNotLoadedError);
    expect(() => post.comments).toThrow(
      "Post.comments is not loaded; add .include('comments') to the query that loaded it, or await record.load('comments')",
    );
    expect(JSON.stringify(post)).not.toContain('comments');
  });

  it('a new record reads its collections as empty, without a query', async () => {
    db().resetQueries();
    const user = User.build({ name: 'new' });
    expect(user.posts).toEqual([]);
    expect(user.profile).toBeNull();
    expect(user.following).toEqual([]);
    const post = Post.build({ title: 'orphan' });
    expect(post.author).toBeNull();
    expect(db().queries).toHaveLength(0);
    // a key set by hand names a parent that is not loaded: no guessing
    const keyed = Post.build({ title: 'keyed', authorId: 1 });
    expect(() => keyed.author).toThrow(RelationNotLoadedError);
    expect((await keyed.load('author'))?.name).toBe('user0');
  });

  it('a loaded parent whose foreign key changed is not answered any more', async () => {
    const [post] = await Post.order({ id: 'asc' }).limit(1).include('author');
    expect(post!.author?.name).toBe('user0');
    post!.authorId = 2;
    expect(() => post!.author).toThrow(RelationNotLoadedError);
    expect((await post!.load('author'))?.name).toBe('user1');
  });

  it('hasOne and self-referential manyToMany both ways', async () => {
    const users = await User.order({ id: 'asc' }).include('profile', 'following', 'followers');
    const [u0, u1] = users;
    expect(u0!.profile).toBeInstanceOf(Profile);
    expect(u0!.following.map((u) => u.id).sort()).toEqual([2, 4]);
    expect(u1!.followers.map((u) => u.id).sort()).toEqual([1, 3]);
    expect(u0!.followers.map((u) => u.id).sort()).toEqual([2, 4]);
  });

  it('polymorphic belongsTo and its inverse hasMany', async () => {
    const photo = await Photo.create({ url: 'http://x/1.png' });
    await Comment.create({ commentableType: 'Photo', commentableId: photo.id, body: 'nice photo' });
    const [post] = await Post.order({ id: 'asc' }).limit(1);
    const comments = await Comment.where({ body: ['nice photo', 'first on user0 post 0'] })
      .order({ id: 'asc' })
      .include('commentable');
    expect(comments[0]!.commentable).toBeInstanceOf(Post);
    expect((comments[0]!.commentable as Post).id).toBe(post!.id);
    expect(comments[1]!.commentable).toBeInstanceOf(Photo);
    expect((await photo.load('comments')).map((c) => c.body)).toEqual(['nice photo']);
    // the inverse filters on the type: the photo's id may equal a post's id
    expect((await post!.load('comments')).every((c) => c.commentableType === 'Post')).toBe(true);
  });

  it('stream applies includes batch by batch', async () => {
    db().resetQueries();
    const titles: string[] = [];
    for await (const post of Post.order({ id: 'asc' }).include('author').stream({ batchSize: 5 })) {
      titles.push(`${post.author!.name}: ${post.title}`);
    }
    expect(titles).toHaveLength(12);
    expect(titles[0]).toBe('user0: user0 post 0');
    const authorQueries = db().queries.filter((q) => q.text.includes('FROM "rel_users"'));
    expect(authorQueries).toHaveLength(3); // one per batch of 5, 5, 2
  });

  it('toJSON includes loaded relations only', async () => {
    const [post] = await Post.order({ id: 'asc' }).limit(1).include('author', 'tags');
    const json = JSON.parse(JSON.stringify(post));
    expect(json.author.name).toBe('user0');
    expect(json.tags.map((t: { name: string }) => t.name).sort()).toEqual(['nest', 'sql']);
    expect(json).not.toHaveProperty('comments');
  });

  it('toJSON lists relations after the columns, in the order they were loaded; no inherited name counts as loaded', async () => {
    const [post] = await Post.order({ id: 'asc' }).limit(1).include('tags', 'author');
    await post!.load('comments');
    const keys = Object.keys(post!.toJSON());
    expect(keys.slice(-3)).toEqual(['tags', 'author', 'comments']);
    expect(keys.indexOf('title')).toBeLessThan(keys.indexOf('tags'));
    for (const inherited of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      await expect(post!.load(inherited as never)).rejects.toThrow(/relation/i);
    }
  });

  it('a manyToMany load shares one record per row across owners', async () => {
    const posts = await Post.order({ id: 'asc' }).include('tags');
    const nest = posts.flatMap((p) => p.tags).filter((t) => t.name === 'nest');
    expect(nest.length).toBeGreaterThan(1);
    expect(new Set(nest).size).toBe(1);
    expect(nest[0]).toBeInstanceOf(Tag);
  });
});

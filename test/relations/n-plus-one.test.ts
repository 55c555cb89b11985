import { NPlusOneError, runInContext, type NPlusOneReport } from '../../lib';
import { describeEachDatabase } from '../support/test-database';
import { Post, User, blogModels, blogSchema, resetBlog, seedBlog } from './blog-models';

const reports: NPlusOneReport[] = [];

describeEachDatabase(
  'N+1 detector',
  {
    models: blogModels,
    schema: blogSchema,
    options: { nPlusOne: { threshold: 3 }, onNPlusOne: (r) => reports.push(r) },
  },
  (db) => {
    beforeAll(async () => {
      await db().exec(resetBlog);
      await seedBlog(4, 2);
    });
    beforeEach(() => reports.splice(0));

    it('reports a find in a loop once per context, naming the call site and the fix', async () => {
      const ids = await Post.all().pluck('id');
      await runInContext(async () => {
        for (const id of ids) await Post.find(id);
      });
      expect(reports).toHaveLength(1);
      expect(reports[0]!.count).toBe(3);
      expect(reports[0]!.callSite).toMatch(/n-plus-one\.test\.ts:\d+/);
      expect(reports[0]!.message).toContain(
        'Post.find() is called in a loop: fetch the records at once with Post.where({ id: ids })',
      );
    });

    it('names the include that would batch lazy loads of records fetched one by one', async () => {
      const ids = await Post.all().pluck('id');
      await runInContext(async () => {
        for (const id of ids) {
          const post = await Post.find(id);
          await post.load('author');
        }
      });
      const authorReport = reports.find((r) => r.statement.includes('"rel_users"'));
      expect(authorReport?.message).toContain(".include('author')");
    });

    it('batched lazy loads and includes do not trigger it', async () => {
      await runInContext(async () => {
        const posts = await Post.all();
        for (const post of posts) await post.load('author');
        for (const post of posts) await post.load('comments');
        const users = await User.include('posts.comments', 'profile');
        for (const user of users) await user.countOf('followers');
      });
      expect(reports).toHaveLength(0);
    });

    it('counts each context separately, and nothing outside a context', async () => {
      const ids = (await Post.all().pluck('id')).slice(0, 2);
      for (let i = 0; i < 5; i++) await Post.find(ids[0]!);
      await Promise.all([
        runInContext(async () => {
          for (const id of ids) await Post.find(id);
        }),
        runInContext(async () => {
          for (const id of ids) await Post.find(id);
        }),
      ]);
      expect(reports).toHaveLength(0);
    });
  },
);

describeEachDatabase(
  'N+1 detector, strict',
  { models: blogModels, schema: blogSchema, options: { nPlusOne: { threshold: 2, strict: true } } },
  (db) => {
    beforeAll(async () => {
      await db().exec(resetBlog);
      await seedBlog(2, 2);
    });

    it('throws NPlusOneError before sending the repeated statement', async () => {
      const users = await User.all().pluck('id');
      await runInContext(async () => {
        await User.find(users[0]!);
        db().resetQueries();
        const error = await User.find(users[1]!).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NPlusOneError);
        expect((error as NPlusOneError).count).toBe(2);
        expect(db().queries).toHaveLength(0);
      });
    });
  },
);

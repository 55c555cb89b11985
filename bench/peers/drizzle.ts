/** Drizzle, as its documentation shows: a schema of tables and relations, the query API for nesting. */
import { eq, gt, relations } from 'drizzle-orm';
import { and, asc, desc, gte, lte } from 'drizzle-orm';
import { drizzle as connect } from 'drizzle-orm/node-postgres';
import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { Pool } from 'pg';
import { operands, type Implementation } from '../workloads/workloads';
import { statementsSent } from './statement-counter';

const users = pgTable('users', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  name: text().notNull(),
  email: text().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

const posts = pgTable('posts', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  authorId: integer('author_id')
    .notNull()
    .references(() => users.id),
  title: text().notNull(),
  body: text().notNull(),
  published: boolean().notNull(),
  views: integer().notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

const comments = pgTable('comments', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  postId: integer('post_id')
    .notNull()
    .references(() => posts.id),
  body: text().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  comments: many(comments),
}));
const commentsRelations = relations(comments, ({ one }) => ({
  post: one(posts, { fields: [comments.postId], references: [posts.id] }),
}));

const schema = { users, posts, comments, usersRelations, postsRelations, commentsRelations };

export function drizzle(url: string, poolSize: number): Implementation {
  const pool = new Pool({ connectionString: url, max: poolSize });
  const db = connect({ client: pool, schema });
  const findPost = async (id: number) => {
    const [post] = await db.select().from(posts).where(eq(posts.id, id));
    if (!post) throw new Error(`post ${id} not found`);
    return post;
  };
  return {
    name: 'Drizzle',
    statements: statementsSent,
    close: () => pool.end(),
    operations: {
      findByKey: (i) => findPost(operands.postId(i)),
      concurrentFindByKey: (i) => findPost(operands.postId(i)),
      filteredList: (i) => {
        const [first, last] = operands.authorRange(i);
        return db
          .select()
          .from(posts)
          .where(
            and(eq(posts.published, true), gte(posts.authorId, first), lte(posts.authorId, last)),
          )
          .orderBy(desc(posts.id))
          .limit(50);
      },
      insertOne: async (i) => (await db.insert(posts).values(operands.newPost(i)).returning())[0],
      loadChangeSave: async (i) => {
        const post = await findPost(operands.postId(i));
        post.views += 1;
        await db.update(posts).set({ views: post.views }).where(eq(posts.id, post.id));
        return post;
      },
      bulkInsert: (i) => db.insert(posts).values(operands.bulkPosts(i)),
      eagerLoad: (i) =>
        db.query.users.findMany({
          with: { posts: { with: { comments: true } } },
          where: gt(users.id, operands.usersAfter(i)),
          orderBy: [asc(users.id)],
          limit: 20,
        }),
      lazyLoop: async (i) => {
        const page = await db
          .select()
          .from(posts)
          .where(gt(posts.id, operands.postsAfter(i)))
          .orderBy(asc(posts.id))
          .limit(50);
        const names: string[] = [];
        for (const post of page) {
          const author = await db.query.users.findFirst({ where: eq(users.id, post.authorId) });
          names.push(author!.name);
        }
        return names;
      },
    },
  };
}

/** Kysely, as its documentation shows: a typed database interface, `jsonArrayFrom` for nesting. */
import { Kysely, PostgresDialect, type Generated } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { Pool } from 'pg';
import { operands, type Implementation } from '../workloads/workloads';
import { statementsSent } from './statement-counter';

interface Database {
  users: { id: Generated<number>; name: string; email: string; created_at: Date };
  posts: {
    id: Generated<number>;
    author_id: number;
    title: string;
    body: string;
    published: boolean;
    views: Generated<number>;
    created_at: Generated<Date>;
  };
  comments: { id: Generated<number>; post_id: number; body: string; created_at: Date };
}

export function kysely(url: string, poolSize: number): Implementation {
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: poolSize }) }),
  });
  const findPost = (id: number) =>
    db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const toRow = (p: ReturnType<typeof operands.newPost>) => ({
    author_id: p.authorId,
    title: p.title,
    body: p.body,
    published: p.published,
    views: p.views,
    created_at: new Date(),
  });
  return {
    name: 'Kysely',
    statements: statementsSent,
    close: () => db.destroy(),
    operations: {
      findByKey: (i) => findPost(operands.postId(i)),
      concurrentFindByKey: (i) => findPost(operands.postId(i)),
      filteredList: (i) => {
        const [first, last] = operands.authorRange(i);
        return db
          .selectFrom('posts')
          .selectAll()
          .where('published', '=', true)
          .where('author_id', '>=', first)
          .where('author_id', '<=', last)
          .orderBy('id', 'desc')
          .limit(50)
          .execute();
      },
      insertOne: (i) =>
        db
          .insertInto('posts')
          .values(toRow(operands.newPost(i)))
          .returningAll()
          .executeTakeFirstOrThrow(),
      loadChangeSave: async (i) => {
        const post = await findPost(operands.postId(i));
        post.views += 1;
        await db
          .updateTable('posts')
          .set({ views: post.views })
          .where('id', '=', post.id)
          .execute();
        return post;
      },
      bulkInsert: (i) => db.insertInto('posts').values(operands.bulkPosts(i).map(toRow)).execute(),
      eagerLoad: (i) =>
        db
          .selectFrom('users')
          .selectAll('users')
          .select((eb) =>
            jsonArrayFrom(
              eb
                .selectFrom('posts')
                .selectAll('posts')
                .select((eb2) =>
                  jsonArrayFrom(
                    eb2
                      .selectFrom('comments')
                      .selectAll('comments')
                      .whereRef('comments.post_id', '=', 'posts.id'),
                  ).as('comments'),
                )
                .whereRef('posts.author_id', '=', 'users.id'),
            ).as('posts'),
          )
          .where('users.id', '>', operands.usersAfter(i))
          .orderBy('users.id')
          .limit(20)
          .execute(),
      lazyLoop: async (i) => {
        const posts = await db
          .selectFrom('posts')
          .selectAll()
          .where('id', '>', operands.postsAfter(i))
          .orderBy('id')
          .limit(50)
          .execute();
        const names: string[] = [];
        for (const post of posts) {
          const author = await db
            .selectFrom('users')
            .selectAll()
            .where('id', '=', post.author_id)
            .executeTakeFirstOrThrow();
          names.push(author.name);
        }
        return names;
      },
    },
  };
}

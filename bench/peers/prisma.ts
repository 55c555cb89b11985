/** Prisma 7 with the query compiler and `@prisma/adapter-pg` (no engine), as its documentation shows. */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';
import { operands, type Implementation } from '../workloads/workloads';
import { statementsSent } from './statement-counter';

export function prisma(url: string, poolSize: number, schema: string): Implementation {
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: poolSize }, { schema }),
  });
  const findPost = (id: number) => client.post.findUniqueOrThrow({ where: { id } });
  return {
    name: 'Prisma',
    statements: statementsSent,
    close: () => client.$disconnect(),
    operations: {
      findByKey: (i) => findPost(operands.postId(i)),
      concurrentFindByKey: (i) => findPost(operands.postId(i)),
      filteredList: (i) => {
        const [first, last] = operands.authorRange(i);
        return client.post.findMany({
          where: { published: true, authorId: { gte: first, lte: last } },
          orderBy: { id: 'desc' },
          take: 50,
        });
      },
      insertOne: (i) => client.post.create({ data: operands.newPost(i) }),
      loadChangeSave: async (i) => {
        const post = await findPost(operands.postId(i));
        return client.post.update({ where: { id: post.id }, data: { views: post.views + 1 } });
      },
      bulkInsert: (i) => client.post.createMany({ data: operands.bulkPosts(i) }),
      eagerLoad: (i) =>
        client.user.findMany({
          where: { id: { gt: operands.usersAfter(i) } },
          include: { posts: { include: { comments: true } } },
          orderBy: { id: 'asc' },
          take: 20,
        }),
      lazyLoop: async (i) => {
        const posts = await client.post.findMany({
          where: { id: { gt: operands.postsAfter(i) } },
          orderBy: { id: 'asc' },
          take: 50,
        });
        const names: string[] = [];
        for (const post of posts) {
          const author = await client.user.findUniqueOrThrow({ where: { id: post.authorId } });
          names.push(author.name);
        }
        return names;
      },
    },
  };
}

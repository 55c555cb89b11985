/** MikroORM 6, as its documentation shows: entities, a fork of the EntityManager per unit of work. */
import 'reflect-metadata';
import {
  Collection,
  Entity,
  ManyToOne,
  MikroORM,
  OneToMany,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/postgresql';
import { operands, type Implementation } from '../workloads/workloads';
import { statementsSent } from './statement-counter';

@Entity({ tableName: 'users' })
class User {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) email!: string;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt = new Date();
  @OneToMany(() => Post, (post) => post.author) posts = new Collection<Post>(this);
}

@Entity({ tableName: 'posts' })
class Post {
  [OptionalProps]?: 'views' | 'createdAt';
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => User, { ref: true }) author!: Ref<User>;
  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'text' }) body!: string;
  @Property({ type: 'boolean' }) published!: boolean;
  @Property({ type: 'integer' }) views = 0;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt = new Date();
  @OneToMany(() => Comment, (comment) => comment.post) comments = new Collection<Comment>(this);
}

@Entity({ tableName: 'comments' })
class Comment {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Post, { ref: true }) post!: Ref<Post>;
  @Property({ type: 'text' }) body!: string;
  @Property({ type: 'Date', columnType: 'timestamptz' }) createdAt = new Date();
}

/** The workloads' rows with the author as a reference, as MikroORM takes them. */
const postData = ({ authorId, ...rest }: ReturnType<typeof operands.newPost>) => ({
  ...rest,
  author: authorId,
});

export async function mikroOrm(
  url: string,
  poolSize: number,
  schema: string,
): Promise<Implementation> {
  const orm = await MikroORM.init({
    clientUrl: url,
    schema,
    entities: [User, Post, Comment],
    pool: { min: 0, max: poolSize },
    allowGlobalContext: false,
  });
  const findPost = (id: number) => orm.em.fork().findOneOrFail(Post, id);
  return {
    name: 'MikroORM',
    statements: statementsSent,
    close: () => orm.close(),
    operations: {
      findByKey: (i) => findPost(operands.postId(i)),
      concurrentFindByKey: (i) => findPost(operands.postId(i)),
      filteredList: (i) => {
        const [first, last] = operands.authorRange(i);
        return orm.em
          .fork()
          .find(
            Post,
            { published: true, author: { $gte: first, $lte: last } },
            { orderBy: { id: 'desc' }, limit: 50 },
          );
      },
      insertOne: async (i) => {
        const em = orm.em.fork();
        const post = em.create(Post, postData(operands.newPost(i)));
        await em.flush();
        return post;
      },
      loadChangeSave: async (i) => {
        const em = orm.em.fork();
        const post = await em.findOneOrFail(Post, operands.postId(i));
        post.views += 1;
        await em.flush();
        return post;
      },
      bulkInsert: async (i) => {
        const em = orm.em.fork();
        for (const row of operands.bulkPosts(i)) em.create(Post, postData(row));
        await em.flush();
      },
      eagerLoad: (i) =>
        orm.em.fork().find(
          User,
          { id: { $gt: operands.usersAfter(i) } },
          {
            populate: ['posts.comments'],
            orderBy: { id: 'asc' },
            limit: 20,
          },
        ),
      lazyLoop: async (i) => {
        const em = orm.em.fork();
        const posts = await em.find(
          Post,
          { id: { $gt: operands.postsAfter(i) } },
          { orderBy: { id: 'asc' }, limit: 50 },
        );
        const names: string[] = [];
        for (const post of posts) names.push((await post.author.load())!.name);
        return names;
      },
    },
  };
}

/** TypeORM, as its documentation shows: entities, a DataSource, repositories. */
import 'reflect-metadata';
import {
  Between,
  MoreThan,
  Column,
  CreateDateColumn,
  DataSource,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { operands, type Implementation } from '../workloads/workloads';
import { statementsSent } from './statement-counter';

@Entity('users')
class User {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) email!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @OneToMany(() => Post, (post) => post.author) posts!: Post[];
}

@Entity('posts')
class Post {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'author_id', type: 'integer' }) authorId!: number;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) body!: string;
  @Column({ type: 'boolean' }) published!: boolean;
  @Column({ type: 'integer', default: 0 }) views!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @ManyToOne(() => User, (user) => user.posts)
  @JoinColumn({ name: 'author_id' })
  author!: User;
  @OneToMany(() => Comment, (comment) => comment.post) comments!: Comment[];
}

@Entity('comments')
class Comment {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'post_id', type: 'integer' }) postId!: number;
  @Column({ type: 'text' }) body!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @ManyToOne(() => Post, (post) => post.comments)
  @JoinColumn({ name: 'post_id' })
  post!: Post;
}

export async function typeorm(
  url: string,
  poolSize: number,
  schema: string,
): Promise<Implementation> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: [User, Post, Comment],
    poolSize,
  });
  await dataSource.initialize();
  const users = dataSource.getRepository(User);
  const posts = dataSource.getRepository(Post);
  const findPost = (id: number) => posts.findOneByOrFail({ id });
  return {
    name: 'TypeORM',
    statements: statementsSent,
    close: () => dataSource.destroy(),
    operations: {
      findByKey: (i) => findPost(operands.postId(i)),
      concurrentFindByKey: (i) => findPost(operands.postId(i)),
      filteredList: (i) => {
        const [first, last] = operands.authorRange(i);
        return posts.find({
          where: { published: true, authorId: Between(first, last) },
          order: { id: 'DESC' },
          take: 50,
        });
      },
      insertOne: (i) => posts.save(posts.create(operands.newPost(i))),
      loadChangeSave: async (i) => {
        const post = await findPost(operands.postId(i));
        post.views += 1;
        return posts.save(post);
      },
      bulkInsert: (i) => posts.insert(operands.bulkPosts(i)),
      eagerLoad: (i) =>
        users.find({
          where: { id: MoreThan(operands.usersAfter(i)) },
          relations: { posts: { comments: true } },
          order: { id: 'ASC' },
          take: 20,
        }),
      lazyLoop: async (i) => {
        const page = await posts.find({
          where: { id: MoreThan(operands.postsAfter(i)) },
          order: { id: 'ASC' },
          take: 50,
        });
        const names: string[] = [];
        for (const post of page) {
          const author = await posts
            .createQueryBuilder()
            .relation(Post, 'author')
            .of(post)
            .loadOne<User>();
          names.push(author!.name);
        }
        return names;
      },
    },
  };
}

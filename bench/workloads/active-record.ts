/** This package, written as its README shows. */
import 'reflect-metadata';
import { BelongsTo, Column, CreatedAt, HasMany, Model, Orm, PrimaryKey, Table } from '../../lib';
import { operands, type Implementation } from './workloads';

@Table('users')
class User extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @Column() email!: string;
  @CreatedAt() createdAt!: Date;
  @HasMany(() => Post, { foreignKey: 'authorId' }) posts!: Post[];
}

@Table('posts')
class Post extends Model {
  @PrimaryKey() id!: number;
  @Column() authorId!: number;
  @Column() title!: string;
  @Column() body!: string;
  @Column() published!: boolean;
  @Column({ default: 0 }) views!: number;
  @CreatedAt() createdAt!: Date;
  @BelongsTo(() => User, { foreignKey: 'authorId' }) author!: User;
  @HasMany(() => Comment, { foreignKey: 'postId' }) comments!: Comment[];
}

@Table('comments')
class Comment extends Model {
  @PrimaryKey() id!: number;
  @Column() postId!: number;
  @Column() body!: string;
  @CreatedAt() createdAt!: Date;
}

export async function activeRecord(url: string, poolSize: number): Promise<Implementation> {
  let statements = 0;
  const orm = await Orm.connect({
    url,
    models: [User, Post, Comment],
    pool: { max: poolSize },
    nPlusOne: false,
    onQuery: () => {
      statements++;
    },
  });
  return {
    name: 'nestjs-active-record',
    statements: () => statements,
    close: () => orm.close(),
    operations: {
      findByKey: (i) => Post.find(operands.postId(i)),
      concurrentFindByKey: (i) => Post.find(operands.postId(i)),
      filteredList: (i) => {
        const [first, last] = operands.authorRange(i);
        return Post.where({ published: true, authorId: { gte: first, lte: last } })
          .order({ id: 'desc' })
          .limit(50);
      },
      insertOne: (i) => Post.create(operands.newPost(i)),
      loadChangeSave: async (i) => {
        const post = await Post.find(operands.postId(i));
        post.views += 1;
        await post.save();
        return post;
      },
      bulkInsert: (i) => Post.insertAll(operands.bulkPosts(i), { returning: false }),
      eagerLoad: (i) =>
        User.where({ id: { gt: operands.usersAfter(i) } })
          .order({ id: 'asc' })
          .limit(20)
          .include('posts.comments'),
      lazyLoop: async (i) => {
        const posts = await Post.where({ id: { gt: operands.postsAfter(i) } })
          .order({ id: 'asc' })
          .limit(50);
        const names: string[] = [];
        for (const post of posts) names.push((await post.load('author')).name);
        return names;
      },
    },
  };
}

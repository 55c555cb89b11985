/** Sequelize 6, as its documentation shows: models initialised on an instance, associations, includes. */
import {
  DataTypes,
  Model,
  Op,
  Sequelize,
  type InferAttributes,
  type InferCreationAttributes,
  type CreationOptional,
  type ForeignKey,
} from 'sequelize';
import { operands, type Implementation } from '../workloads/workloads';
import { statementsSent } from './statement-counter';

class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare email: string;
  declare createdAt: Date;
}

class Post extends Model<InferAttributes<Post>, InferCreationAttributes<Post>> {
  declare id: CreationOptional<number>;
  declare authorId: ForeignKey<number>;
  declare title: string;
  declare body: string;
  declare published: boolean;
  declare views: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare getAuthor: () => Promise<User>;
}

class Comment extends Model<InferAttributes<Comment>, InferCreationAttributes<Comment>> {
  declare id: CreationOptional<number>;
  declare postId: ForeignKey<number>;
  declare body: string;
  declare createdAt: Date;
}

export function sequelize(url: string, poolSize: number, schema: string): Implementation {
  const db = new Sequelize(url, {
    logging: false,
    pool: { max: poolSize },
    define: { underscored: true, timestamps: false, schema },
  });
  const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
  const createdAt = { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW };
  User.init(
    { id, name: DataTypes.TEXT, email: DataTypes.TEXT, createdAt },
    { sequelize: db, tableName: 'users' },
  );
  Post.init(
    {
      id,
      authorId: { type: DataTypes.INTEGER, allowNull: false },
      title: DataTypes.TEXT,
      body: DataTypes.TEXT,
      published: DataTypes.BOOLEAN,
      views: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt,
    },
    { sequelize: db, tableName: 'posts' },
  );
  Comment.init(
    { id, postId: { type: DataTypes.INTEGER, allowNull: false }, body: DataTypes.TEXT, createdAt },
    { sequelize: db, tableName: 'comments' },
  );
  User.hasMany(Post, { as: 'posts', foreignKey: 'authorId' });
  Post.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
  Post.hasMany(Comment, { as: 'comments', foreignKey: 'postId' });
  const findPost = async (key: number) => {
    const post = await Post.findByPk(key);
    if (!post) throw new Error(`post ${key} not found`);
    return post;
  };
  return {
    name: 'Sequelize',
    statements: statementsSent,
    close: () => db.close(),
    operations: {
      findByKey: (i) => findPost(operands.postId(i)),
      concurrentFindByKey: (i) => findPost(operands.postId(i)),
      filteredList: (i) =>
        Post.findAll({
          where: { published: true, authorId: { [Op.between]: operands.authorRange(i) } },
          order: [['id', 'DESC']],
          limit: 50,
        }),
      insertOne: (i) => Post.create(operands.newPost(i)),
      loadChangeSave: async (i) => {
        const post = await findPost(operands.postId(i));
        post.views += 1;
        return post.save();
      },
      bulkInsert: (i) => Post.bulkCreate(operands.bulkPosts(i)),
      eagerLoad: (i) =>
        User.findAll({
          include: [{ model: Post, as: 'posts', include: [{ model: Comment, as: 'comments' }] }],
          where: { id: { [Op.gt]: operands.usersAfter(i) } },
          order: [['id', 'ASC']],
          limit: 20,
        }),
      lazyLoop: async (i) => {
        const posts = await Post.findAll({
          where: { id: { [Op.gt]: operands.postsAfter(i) } },
          order: [['id', 'ASC']],
          limit: 50,
        });
        const names: string[] = [];
        for (const post of posts) names.push((await post.getAuthor()).name);
        return names;
      },
    },
  };
}

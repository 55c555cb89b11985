import { Article } from './src/articles/article.model';
import { Comment } from './src/articles/comment.model';
import { Tag } from './src/articles/tag.model';
import { User } from './src/users/user.model';

/** `nest-ar` settings for the sample app: its models and migrations. */
export default {
  url: process.env.DATABASE_URL,
  models: [User, Article, Comment, Tag],
  migrations: { directory: 'sample-app/migrations' },
};

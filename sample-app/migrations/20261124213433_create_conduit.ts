import { Migration, type SchemaBuilder } from 'nestjs-active-record';

export default class CreateConduit extends Migration {
  up(schema: SchemaBuilder): void {
    schema.createTable('users', (t) => {
      t.add('id', 'integer').generated().primary();
      t.add('username', 'text').notNull().unique();
      t.add('email', 'text').notNull().unique();
      t.add('password_hash', 'text').notNull();
      t.add('bio', 'text');
      t.add('image', 'text');
      t.add('created_at', 'timestamp with time zone').notNull();
      t.add('updated_at', 'timestamp with time zone').notNull();
    });
    schema.createTable('follows', (t) => {
      t.add('follower_id', 'integer').notNull().references('users', 'id').onDelete('cascade');
      t.add('followed_id', 'integer').notNull().references('users', 'id').onDelete('cascade');
      t.primaryKey(['follower_id', 'followed_id']);
    });
    schema.createTable('articles', (t) => {
      t.add('id', 'integer').generated().primary();
      t.add('slug', 'text').notNull().unique();
      t.add('title', 'text').notNull();
      t.add('description', 'text').notNull();
      t.add('body', 'text').notNull();
      t.add('author_id', 'integer').notNull().references('users', 'id');
      t.add('created_at', 'timestamp with time zone').notNull();
      t.add('updated_at', 'timestamp with time zone').notNull();
    });
    schema.createTable('tags', (t) => {
      t.add('id', 'integer').generated().primary();
      t.add('name', 'text').notNull().unique();
    });
    schema.createTable('article_tags', (t) => {
      t.add('article_id', 'integer').notNull().references('articles', 'id').onDelete('cascade');
      t.add('tag_id', 'integer').notNull().references('tags', 'id').onDelete('cascade');
      t.primaryKey(['article_id', 'tag_id']);
    });
    schema.createTable('favorites', (t) => {
      t.add('article_id', 'integer').notNull().references('articles', 'id').onDelete('cascade');
      t.add('user_id', 'integer').notNull().references('users', 'id').onDelete('cascade');
      t.primaryKey(['article_id', 'user_id']);
    });
    schema.createTable('comments', (t) => {
      t.add('id', 'integer').generated().primary();
      t.add('body', 'text').notNull();
      t.add('article_id', 'integer').notNull();
      t.add('author_id', 'integer').notNull().references('users', 'id');
      t.add('created_at', 'timestamp with time zone').notNull();
      t.add('updated_at', 'timestamp with time zone').notNull();
    });
  }

  down(schema: SchemaBuilder): void {
    schema.dropTable('comments');
    schema.dropTable('favorites');
    schema.dropTable('article_tags');
    schema.dropTable('tags');
    schema.dropTable('articles');
    schema.dropTable('follows');
    schema.dropTable('users');
  }
}

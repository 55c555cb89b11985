import { Migration, type SchemaBuilder } from 'nestjs-active-record';

export default class ConduitListsAndKeysIndexes extends Migration {
  // CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction; each step can run again.
  override readonly transactional = false;

  up(schema: SchemaBuilder): void {
    schema.createIndex('follows', ['followed_id'], {
      name: 'follows_followed_id_idx',
      concurrently: true,
    });
    schema.createIndex('article_tags', ['tag_id'], {
      name: 'article_tags_tag_id_idx',
      concurrently: true,
    });
    schema.createIndex('favorites', ['user_id'], {
      name: 'favorites_user_id_idx',
      concurrently: true,
    });
    schema.createIndex(
      'articles',
      [
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ],
      { name: 'articles_created_at_id_idx', concurrently: true },
    );
    schema.createIndex('articles', ['author_id', { column: 'created_at', order: 'desc' }], {
      name: 'articles_author_id_created_at_idx',
      concurrently: true,
    });
    schema.createIndex('comments', ['article_id', 'created_at'], {
      name: 'comments_article_id_created_at_idx',
      concurrently: true,
    });
    schema.createIndex('comments', ['author_id'], {
      name: 'comments_author_id_idx',
      concurrently: true,
    });
  }

  down(schema: SchemaBuilder): void {
    schema.dropIndex('comments_author_id_idx', { concurrently: true });
    schema.dropIndex('comments_article_id_created_at_idx', { concurrently: true });
    schema.dropIndex('articles_author_id_created_at_idx', { concurrently: true });
    schema.dropIndex('articles_created_at_id_idx', { concurrently: true });
    schema.dropIndex('favorites_user_id_idx', { concurrently: true });
    schema.dropIndex('article_tags_tag_id_idx', { concurrently: true });
    schema.dropIndex('follows_followed_id_idx', { concurrently: true });
  }
}

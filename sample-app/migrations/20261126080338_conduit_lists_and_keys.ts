import { Migration, type SchemaBuilder } from 'nestjs-active-record';

export default class ConduitListsAndKeys extends Migration {
  up(schema: SchemaBuilder): void {
    schema.alterTable('users', (t) => {
      t.setDefault('created_at', { sql: 'now()' });
      t.setDefault('updated_at', { sql: 'now()' });
    });
    schema.alterTable('articles', (t) => {
      t.setDefault('created_at', { sql: 'now()' });
      t.setDefault('updated_at', { sql: 'now()' });
    });
    schema.alterTable('comments', (t) => {
      t.setDefault('created_at', { sql: 'now()' });
      t.setDefault('updated_at', { sql: 'now()' });
    });
  }

  down(schema: SchemaBuilder): void {
    schema.alterTable('comments', (t) => {
      t.dropDefault('updated_at');
      t.dropDefault('created_at');
    });
    schema.alterTable('articles', (t) => {
      t.dropDefault('updated_at');
      t.dropDefault('created_at');
    });
    schema.alterTable('users', (t) => {
      t.dropDefault('updated_at');
      t.dropDefault('created_at');
    });
  }
}

import type { SchemaBuilder } from './schema-builder';

/**
 * A versioned schema change. The file name (`20260101120000_create_posts.ts`) orders it; the
 * runner records it once applied, with a checksum of its source.
 *
 * @example
 * export default class CreatePosts extends Migration {
 *   up(schema: SchemaBuilder) { schema.createTable('posts', (t) => { t.id(); t.text('title').notNull(); }); }
 *   down(schema: SchemaBuilder) { schema.dropTable('posts'); }
 * }
 */
export abstract class Migration {
  /**
   * Whether the migration runs in a transaction (default). Set false for statements that
   * cannot, such as `CREATE INDEX CONCURRENTLY`.
   */
  readonly transactional: boolean = true;

  abstract up(schema: SchemaBuilder): void | Promise<void>;
  abstract down(schema: SchemaBuilder): void | Promise<void>;
}

/** A migration the runner can apply: its name, a checksum of its source, and how to load it. */
export interface MigrationSource {
  readonly name: string;
  readonly checksum: string;
  load(): Promise<Migration>;
}

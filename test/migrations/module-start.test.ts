import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MigrationError, Orm, OrmModule, sql } from '../../lib';

function migration(dir: string, file: string, body: string): void {
  writeFileSync(
    join(dir, file),
    `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class M extends Migration {
  up(schema: SchemaBuilder) { ${body} }
  down(schema: SchemaBuilder) { schema.dropTable('started_notes'); }
}
`,
  );
}

describe('OrmModule.forRoot({ migrations: { run: true } })', () => {
  it('applies pending migrations at start-up', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'start-'));
    migration(
      directory,
      '20260101000000_create.ts',
      `schema.createTable('started_notes', (t) => { t.id(); });`,
    );
    @Module({ imports: [OrmModule.forRoot({ migrations: { run: true, directory } })] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    try {
      const rows = await app
        .get(Orm)
        .query<{ name: string }>(sql`select name from schema_migrations`);
      expect(rows).toEqual([{ name: '20260101000000_create' }]);
    } finally {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a failing migration fails start-up', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'start-'));
    migration(directory, '20260101000000_broken.ts', `schema.sql('select * from missing');`);
    @Module({ imports: [OrmModule.forRoot({ migrations: { run: true, directory } })] })
    class AppModule {}
    try {
      await expect(
        NestFactory.create(AppModule, { logger: false, abortOnError: false }),
      ).rejects.toBeInstanceOf(MigrationError);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

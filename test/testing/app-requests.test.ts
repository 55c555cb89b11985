import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Body,
  Controller,
  Get,
  Module,
  Post,
  UseInterceptors,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Column,
  Model,
  OrmExceptionFilter,
  OrmModule,
  PrimaryKey,
  Table,
  TransactionInterceptor,
} from '../../lib';
import { defineFactory, useTransactionalTests } from '../../lib/testing';
import { databaseKinds } from '../support/test-database';
import { createSchema, dropSchema, schemaUrl } from '../support/server-schema';

@Table('kit_notes')
class Note extends Model {
  @PrimaryKey() id!: number;
  @Column({ unique: true }) title!: string;
}

@Controller('notes')
class NotesController {
  @Post()
  @UseInterceptors(TransactionInterceptor)
  create(@Body() body: { title: string }) {
    return Note.create({ title: body.title });
  }

  @Get()
  list() {
    return Note.order('id').all();
  }
}

const notes = defineFactory(Note, ({ sequence }) => ({ title: `note ${sequence}` }));

const migrations = mkdtempSync(join(tmpdir(), 'kit-migrations-'));
writeFileSync(
  join(migrations, '20260101000000_create_kit_notes.ts'),
  `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class CreateKitNotes extends Migration {
  up(schema: SchemaBuilder) {
    schema.createTable('kit_notes', (t) => { t.id(); t.text('title').notNull().unique(); });
  }
  down(schema: SchemaBuilder) { schema.dropTable('kit_notes'); }
}
`,
);
afterAll(() => rmSync(migrations, { recursive: true, force: true }));

for (const kind of databaseKinds) {
  describe(`HTTP requests to an app booted before each test, with each test rolled back [${kind}]`, () => {
    let schema: string | undefined;
    let app: INestApplication;
    let base: string;

    beforeAll(async () => {
      if (kind === 'postgres') schema = await createSchema();
    });
    afterAll(async () => {
      if (schema) await dropSchema(schema);
    });

    useTransactionalTests();

    // As the spec `nest new` writes: a new app for every test.
    beforeEach(async () => {
      @Module({
        imports: [
          OrmModule.forRoot({
            url: schema ? schemaUrl(process.env.DATABASE_URL!, schema) : undefined,
            models: [Note],
            migrations: { run: true, directory: migrations },
          }),
        ],
        controllers: [NotesController],
      })
      class AppModule {}
      app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
      app.useGlobalFilters(new OrmExceptionFilter());
      await app.listen(0, '127.0.0.1');
      base = await app.getUrl();
    });
    afterEach(() => app.close());

    const post = (title: string) =>
      fetch(`${base}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      });

    it('sees in the test what requests wrote, and requests see what the test wrote', async () => {
      await notes.create({ title: 'from the test' });
      expect((await post('from a request')).status).toBe(201);
      expect(await Note.order('id').pluck('title')).toEqual(['from the test', 'from a request']);
      const listed = (await (await fetch(`${base}/notes`)).json()) as Array<{ title: string }>;
      expect(listed.map((n) => n.title)).toEqual(['from the test', 'from a request']);
    });

    it('starts the next test empty', async () => {
      expect(await Note.count()).toBe(0);
    });

    it('answers a conflict with 409 and keeps serving the test', async () => {
      expect((await post('twice')).status).toBe(201);
      expect((await post('twice')).status).toBe(409);
      expect((await post('after the conflict')).status).toBe(201);
      expect(await Note.count()).toBe(2);
    });

    it('serves concurrent requests, each in its own transaction', async () => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(i % 3 === 0 ? 'same' : `note ${i}`)),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(7);
      expect(statuses.filter((s) => s === 409)).toHaveLength(3);
      expect(await Note.count()).toBe(7);
    });
  });
}

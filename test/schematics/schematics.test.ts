import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = process.cwd();

interface Step {
  schematic: 'orm-model' | 'orm-migration' | 'orm-resource';
  options: Record<string, unknown>;
}

/** Runs schematics on a virtual tree in a Node process (see run-schematic.ts). */
function runSchematics(
  steps: Step[],
  files: Record<string, string>,
): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [
        '-r',
        join(root, 'node_modules/ts-node/register/transpile-only'),
        join(root, 'test/schematics/run-schematic.ts'),
      ],
      {
        env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
        maxBuffer: 10_000_000,
      },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(stderr || error.message));
        const result = JSON.parse(stdout) as { files?: Record<string, string>; error?: string };
        if (result.error) reject(new Error(result.error));
        else resolve(result.files!);
      },
    );
    child.stdin!.end(JSON.stringify({ steps, files }));
  });
}

/** A virtual tree's files, with helpers named like the devkit's. */
const appModule = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';

@Module({
  imports: [],
  controllers: [AppController],
})
export class AppModule {}
`;

class Tree {
  constructor(readonly all: Record<string, string>) {}
  get files(): string[] {
    return Object.keys(this.all);
  }
  readText(path: string): string {
    const text = this.all[path.startsWith('/') ? path : `/${path}`];
    if (text === undefined) throw new Error(`${path} was not written`);
    return text;
  }
}

describe('schematics', () => {
  const app = {
    '/nest-cli.json': JSON.stringify({ sourceRoot: 'src' }),
    '/src/app.module.ts': appModule,
  };
  const run = async (steps: Step[], files: Record<string, string> = app) =>
    new Tree(await runSchematics(steps, files));
  const model = (options: Record<string, unknown>): Step => ({ schematic: 'orm-model', options });

  it('orm-model writes the model, a migration, a spec, and registers it in the nearest module', async () => {
    const tree = await run([
      model({
        name: 'Article',
        fields:
          'title:string body:text price:decimal email:string:unique author:belongs_to:User tags:many_to_many status:enum:draft,published',
      }),
    ]);
    const source = tree.readText('src/articles/article.model.ts');
    expect(source).toContain("@Table('articles')");
    expect(source).toContain('@Column() title!: string;');
    expect(source).toContain("@Column({ type: 'text' }) body!: string;");
    expect(source).toContain(
      "@Column({ type: 'numeric', precision: 12, scale: 2 }) price!: string;",
    );
    expect(source).toContain('@Column({ unique: true }) email!: string;');
    expect(source).toContain("@BelongsTo(() => User, { foreignKey: 'authorId' }) author!: User;");
    expect(source).toContain("import { User } from '../users/user.model';");
    expect(source).toContain("@ManyToMany(() => Tag, { through: 'articles_tags' }) tags!: Tag[];");
    expect(source).toContain(
      "@Column({ enum: ['draft', 'published'] }) status!: 'draft' | 'published';",
    );
    expect(tree.files).toContain('/src/articles/article.model.spec.ts');

    const migration = tree.files.find((f) => /^\/migrations\/\d{14}_create_articles\.ts$/.test(f))!;
    const up = tree.readText(migration);
    expect(up).toContain("schema.createEnum('articles_status', ['draft', 'published']);");
    expect(up).toContain("t.integer('author_id').notNull().references('users');");
    expect(up).toContain("schema.createTable('articles_tags'");
    expect(up).toContain("t.add('email', 'text').notNull().unique();");

    const module = tree.readText('src/app.module.ts');
    expect(module).toContain('imports: [OrmModule.forFeature([Article])]');
    expect(module).toContain("import { OrmModule } from 'nestjs-active-record';");
    expect(module).toContain("import { Article } from './articles/article.model';");
  });

  it('a second model joins the existing forFeature; --flat and --no-spec are honoured', async () => {
    const tree = await run([
      model({ name: 'Article', fields: 'title:string' }),
      model({ name: 'Comment', fields: 'body:text', flat: true, spec: false }),
    ]);
    expect(tree.files).toContain('/src/comment.model.ts');
    expect(tree.files).not.toContain('/src/comment.model.spec.ts');
    expect(tree.readText('src/app.module.ts')).toContain(
      'OrmModule.forFeature([Article, Comment])',
    );
  });

  it('without fields it writes a commented skeleton', async () => {
    const tree = await run([model({ name: 'Draft' })]);
    expect(tree.readText('src/drafts/draft.model.ts')).toContain('// Declare the columns, e.g.:');
  });

  it('never overwrites an existing file, and explains bad fields', async () => {
    const once = await run([model({ name: 'Article', fields: 'title:string' })]);
    await expect(
      run([model({ name: 'Article', fields: 'title:string' })], once.all),
    ).rejects.toThrow(/already exist/);
    await expect(run([model({ name: 'Bad', fields: 'title:strnig' })])).rejects.toThrow(
      /unknown type "strnig"/,
    );
    await expect(run([model({ name: 'Bad', fields: 'status:enum' })])).rejects.toThrow(
      /needs values/,
    );
    await expect(run([model({ name: 'Bad', fields: 'a:string a:text' })])).rejects.toThrow(
      /given twice/,
    );
  });

  it('--project puts files in the monorepo project', async () => {
    const tree = await run([model({ name: 'Article', fields: 'title:string', project: 'api' })], {
      '/nest-cli.json': JSON.stringify({
        projects: { api: { root: 'apps/api', sourceRoot: 'apps/api/src' } },
      }),
      '/apps/api/src/app.module.ts': appModule,
    });
    expect(tree.files).toContain('/apps/api/src/articles/article.model.ts');
    expect(tree.files.some((f) => f.startsWith('/apps/api/migrations/'))).toBe(true);
    expect(tree.readText('apps/api/src/app.module.ts')).toContain(
      'OrmModule.forFeature([Article])',
    );
  });

  it('orm-migration writes an empty, timestamped migration', async () => {
    const tree = await run([
      { schematic: 'orm-migration', options: { name: 'AddSlugToArticles' } },
    ]);
    const file = tree.files.find((f) => /^\/migrations\/\d{14}_add_slug_to_articles\.ts$/.test(f))!;
    expect(tree.readText(file)).toContain(
      'export default class AddSlugToArticles extends Migration',
    );
  });

  it('orm-resource writes model, DTOs, service, controller and a registered feature module', async () => {
    const tree = await run([
      {
        schematic: 'orm-resource',
        options: { name: 'Article', fields: 'title:string views:integer:nullable' },
      },
    ]);
    for (const file of [
      'src/articles/article.model.ts',
      'src/articles/dto/create-article.dto.ts',
      'src/articles/dto/update-article.dto.ts',
      'src/articles/articles.service.ts',
      'src/articles/articles.controller.ts',
      'src/articles/articles.module.ts',
    ]) {
      expect(tree.files).toContain(`/${file}`);
    }
    const dto = tree.readText('src/articles/dto/create-article.dto.ts');
    expect(dto).toContain('@IsString() title!: string;'.replace(' title', '\n  title'));
    expect(dto).toContain("import { IsInt, IsOptional, IsString } from 'class-validator';");
    expect(tree.readText('src/articles/dto/update-article.dto.ts')).toContain('title?: string;');
    expect(tree.readText('src/app.module.ts')).toContain('imports: [ArticlesModule]');
    expect(tree.readText('src/articles/articles.controller.ts')).toContain(
      "@Controller('articles')",
    );
  });
});

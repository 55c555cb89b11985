import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();

interface Step {
  schematic: 'orm-init' | 'orm-model' | 'orm-migration' | 'orm-resource';
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

/** The root module of a CommonJS app, and of an ES module app (`.js` specifiers). */
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
    '/nest-cli.json': JSON.stringify({ collection: '@nestjs/schematics', sourceRoot: 'src' }),
    '/package.json': JSON.stringify({ name: 'app', devDependencies: { jest: '^30.0.0' } }),
    '/src/app.module.ts': appModule,
  };
  const esmApp = {
    ...app,
    '/package.json': JSON.stringify({
      name: 'app',
      type: 'module',
      devDependencies: { vitest: '^4.1.2' },
    }),
    '/src/app.module.ts': appModule.replace("'./app.controller'", "'./app.controller.js'"),
  };
  const user =
    "import { Model } from 'nestjs-active-record';\nexport class User extends Model {}\n";
  const tag = "import { Model } from 'nestjs-active-record';\nexport class Tag extends Model {}\n";
  const run = async (steps: Step[], files: Record<string, string> = app) =>
    new Tree(await runSchematics(steps, files));
  const model = (options: Record<string, unknown>): Step => ({ schematic: 'orm-model', options });
  const migrationOf = (tree: Tree, table: string) =>
    tree.files.find((f) => new RegExp(`^/src/migrations/\\d{14}_create_${table}\\.ts$`).test(f))!;

  it('orm-model writes the model, a migration, a spec, and registers it in the nearest module', async () => {
    const tree = await run(
      [
        model({
          name: 'Article',
          fields:
            'title:string body:text price:decimal email:string:unique author:belongs_to:User tags:many_to_many status:enum:draft,published',
        }),
      ],
      { ...app, '/src/users/user.model.ts': user, '/src/tags/tag.model.ts': tag },
    );
    const source = tree.readText('src/articles/article.model.ts');
    expect(source).toContain("@Table('articles')");
    expect(source).toContain("@Column({ type: 'text' }) title!: string;");
    expect(source).toContain("@Column({ type: 'text' }) body!: string;");
    expect(source).toContain(
      "@Column({ type: 'numeric', precision: 12, scale: 2 }) price!: string;",
    );
    expect(source).toContain("@Column({ type: 'text', unique: true }) email!: string;");
    expect(source).toContain(
      "@BelongsTo(() => User, { foreignKey: 'authorId' }) author!: Rel<User>;",
    );
    expect(source).toContain("import { User } from '../users/user.model';");
    expect(source).toContain(
      "@ManyToMany(() => Tag, { through: 'articles_tags' }) tags!: Rel<Tag>[];",
    );
    expect(source).toContain(
      "@Column({ enum: ['draft', 'published'] }) status!: 'draft' | 'published';",
    );
    // Relation fields after every column (timestamps included), as the README asks.
    const fieldOrder = [...source.matchAll(/^ {2}@(\w+)\(.*\b(\w+)!:/gm)].map((m) => m[2]);
    expect(fieldOrder).toEqual([
      'id',
      'title',
      'body',
      'price',
      'email',
      'authorId',
      'status',
      'createdAt',
      'updatedAt',
      'author',
      'tags',
    ]);
    // A type in a decorated signature is imported as a type (isolatedModules).
    expect(source).toMatch(/import \{[^}]*\btype Rel\b[^}]*\} from 'nestjs-active-record';/);
    const spec = tree.readText('src/articles/article.model.spec.ts');
    expect(spec).not.toContain("from 'vitest'");
    expect(spec).toContain("authorId: { column: 'author_id', type: 'integer', nullable: false },");
    expect(spec).toContain("expect(model.relations).toEqual(['author', 'tags']);");

    const up = tree.readText(migrationOf(tree, 'articles'));
    expect(up).toContain("schema.createEnum('articles_status', ['draft', 'published']);");
    expect(up).toContain("t.integer('author_id').notNull().references('users');");
    expect(up).toContain("schema.createIndex('articles', ['author_id']);");
    expect(up).toContain("schema.createTable('articles_tags'");
    expect(up).toContain("t.add('email', 'text').notNull().unique();");
    // down() undoes up() in reverse: the join table, the table, then the enum it uses.
    const down = up.slice(up.indexOf('down('));
    expect(down.indexOf("dropTable('articles_tags')")).toBeLessThan(
      down.indexOf("dropTable('articles')"),
    );
    expect(down.indexOf("dropTable('articles')")).toBeLessThan(
      down.indexOf("dropEnum('articles_status')"),
    );

    const module = tree.readText('src/app.module.ts');
    expect(module).toContain('OrmModule.forFeature([Article])');
    expect(module).toContain("import { Article } from './articles/article.model';");
  });

  it('a relation to a model the app does not have is refused with the command to run', async () => {
    await expect(
      run([model({ name: 'Post', fields: 'author:belongs_to:Author tags:many_to_many:Tag' })]),
    ).rejects.toThrow(
      /Post\.author refers to Author, Tag, which are not models of this app yet[\s\S]*npx nest-ar generate model Author name:string\n {2}npx nest-ar generate model Tag name:string/,
    );
    // A model generated first is found wherever it lives, and imported from there.
    const tree = await run([
      model({ name: 'Author', fields: 'name:string', flat: true }),
      model({ name: 'Post', fields: 'author:belongs_to:Author' }),
    ]);
    expect(tree.readText('src/posts/post.model.ts')).toContain(
      "import { Author } from '../author.model';",
    );
  });

  it('migrations written within one second still run in the order they were written', async () => {
    const tree = await run([
      model({ name: 'Tag', fields: 'name:string' }),
      model({ name: 'Article', fields: 'tags:many_to_many:Tag' }),
      { schematic: 'orm-migration', options: { name: 'AddSlugToArticles' } },
    ]);
    const names = tree.files.filter((f) => f.startsWith('/src/migrations/')).sort();
    expect(names.map((f) => f.replace(/^\/src\/migrations\/\d{14}_/, ''))).toEqual([
      'create_tags.ts',
      'create_articles.ts',
      'add_slug_to_articles.ts',
    ]);
  });

  it('an ES module app gets .js specifiers and vitest specs', async () => {
    const tree = await run(
      [
        model({ name: 'Author', fields: 'name:string' }),
        {
          schematic: 'orm-resource',
          options: { name: 'Post', fields: 'title:string author:belongs_to:Author' },
        },
      ],
      esmApp,
    );
    expect(tree.readText('src/posts/post.model.ts')).toContain(
      "import { Author } from '../authors/author.model.js';",
    );
    expect(tree.readText('src/posts/post.model.spec.ts')).toContain(
      "import { describe, expect, it } from 'vitest';",
    );
    expect(tree.readText('src/posts/posts.module.ts')).toContain(
      "import { PostsService } from './posts.service.js';",
    );
    const module = tree.readText('src/app.module.ts');
    expect(module).toContain("import { PostsModule } from './posts/posts.module.js';");
    expect(module).toContain("fileURLToPath(new URL('./migrations', import.meta.url))");
    expect(tree.readText('nest-ar.config.ts')).toContain(
      "import { Post } from './src/posts/post.model.js';",
    );
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
    expect(tree.readText('nest-ar.config.ts')).toContain('models: [Article, Comment]');
  });

  it('without fields it writes a commented skeleton', async () => {
    const tree = await run([model({ name: 'Draft' })]);
    expect(tree.readText('src/drafts/draft.model.ts')).toContain('// Declare the columns, e.g.:');
  });

  it('never overwrites an existing file, and explains bad fields and names', async () => {
    const once = await run([model({ name: 'Article', fields: 'title:string' })]);
    await expect(
      run([model({ name: 'Article', fields: 'title:string' })], once.all),
    ).rejects.toThrow(/Article exists already \(src\/articles\/article\.model\.ts\)/);
    await expect(run([model({ name: 'Bad', fields: 'title:strnig' })])).rejects.toThrow(
      /unknown type "strnig"/,
    );
    await expect(run([model({ name: 'Bad', fields: 'status:enum' })])).rejects.toThrow(
      /needs values/,
    );
    await expect(run([model({ name: 'Bad', fields: 'a:string a:text' })])).rejects.toThrow(
      /given twice/,
    );
    await expect(run([model({ name: 'Bad', fields: 'id:integer' })])).rejects.toThrow(
      /every model has id already/,
    );
    await expect(run([model({ name: 'Column' })])).rejects.toThrow(
      /A model cannot be named Column/,
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
    expect(tree.files.some((f) => f.startsWith('/apps/api/src/migrations/'))).toBe(true);
    expect(tree.readText('apps/api/src/app.module.ts')).toContain(
      'OrmModule.forFeature([Article])',
    );
  });

  it('orm-migration writes an empty, timestamped migration', async () => {
    const tree = await run([
      { schematic: 'orm-migration', options: { name: 'AddSlugToArticles' } },
    ]);
    const file = tree.files.find((f) =>
      /^\/src\/migrations\/\d{14}_add_slug_to_articles\.ts$/.test(f),
    )!;
    expect(tree.readText(file)).toContain(
      'export default class AddSlugToArticles extends Migration',
    );
  });

  it('orm-init wires the app once: forRoot, filter, validation, config, scripts, collection', async () => {
    const once = await run([{ schematic: 'orm-init', options: {} }]);
    const module = once.readText('src/app.module.ts');
    expect(module).toContain('OrmModule.forRoot({');
    expect(module).toContain(
      "migrations: { run: true, directory: join(__dirname, './migrations') }",
    );
    expect(module).toContain('{ provide: APP_FILTER, useClass: OrmExceptionFilter }');
    expect(module).toContain(
      'new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true })',
    );
    expect(module).toContain("import { APP_FILTER, APP_PIPE } from '@nestjs/core';");
    expect(once.readText('nest-ar.config.ts')).toContain(
      "migrations: { directory: 'src/migrations' }",
    );
    const pkg = JSON.parse(once.readText('package.json')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(pkg.scripts['db:migrate']).toBe('nest-ar migrate');
    expect(Object.keys(pkg.dependencies)).toEqual(['class-transformer', 'class-validator']);
    expect(JSON.parse(once.readText('nest-cli.json')).collection).toBe('nestjs-active-record');

    const twice = await run(
      [{ schematic: 'orm-init', options: {} }, model({ name: 'Article', fields: 'title:string' })],
      once.all,
    );
    expect(twice.readText('package.json')).toBe(once.readText('package.json'));
    expect(twice.readText('src/app.module.ts').match(/OrmModule\.forRoot/g)).toHaveLength(1);
  });

  it("orm-init adds the testing kit's set-up file to the test configs `nest new` writes, once", async () => {
    const template = (kind: string, file: string) =>
      readFileSync(
        join(root, 'node_modules/@nestjs/schematics/dist/lib/application/files', kind, file),
        'utf8',
      ).replace(/<%= specFileSuffix %>/g, 'spec');
    const cjs = await run([{ schematic: 'orm-init', options: {} }], {
      ...app,
      '/jest.config.ts': template('ts', 'jest.config.ts'),
      '/test/jest-e2e.json': template('ts', 'test/jest-e2e.json'),
    });
    expect(cjs.readText('jest.config.ts')).toMatch(
      /const config: Config = \{\n {2}setupFilesAfterEnv: \['nestjs-active-record\/testing\/setup'\],\n {2}moduleFileExtensions/,
    );
    expect(JSON.parse(cjs.readText('test/jest-e2e.json')).setupFilesAfterEnv).toEqual([
      'nestjs-active-record/testing/setup',
    ]);
    const esm = await run([{ schematic: 'orm-init', options: {} }], {
      ...esmApp,
      '/vitest.config.ts': template('ts-esm', 'vitest.config.ts'),
      '/vitest.config.e2e.ts': template('ts-esm', 'vitest.config.e2e.ts'),
    });
    for (const file of ['vitest.config.ts', 'vitest.config.e2e.ts']) {
      expect(esm.readText(file)).toMatch(
        /test: \{\n {4}setupFiles: \['nestjs-active-record\/testing\/setup'\],\n {4}globals: true,/,
      );
    }
    const again = await run([{ schematic: 'orm-init', options: {} }], esm.all);
    expect(again.readText('vitest.config.ts')).toBe(esm.readText('vitest.config.ts'));
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
    expect(dto).toContain('@IsString()\n  title!: string;');
    expect(dto).toContain('views?: number | null;');
    expect(dto).not.toMatch(/\b(id|createdAt|updatedAt)\b/);
    expect(dto).toContain("import { IsInt, IsOptional, IsString } from 'class-validator';");
    expect(tree.readText('src/articles/dto/update-article.dto.ts')).toContain('title?: string;');
    expect(tree.readText('src/app.module.ts')).toContain('ArticlesModule');
    expect(tree.readText('src/articles/articles.controller.ts')).toContain(
      "@Controller('articles')",
    );
  });

  it('orm-resource: a model named like a Nest decorator is aliased; no fields is refused', async () => {
    const tree = await run([
      { schematic: 'orm-resource', options: { name: 'Post', fields: 'title:string' } },
    ]);
    const controller = tree.readText('src/posts/posts.controller.ts');
    expect(controller).toContain("import { Post as PostModel } from './post.model';");
    expect(controller).toContain('create(@Body() dto: CreatePostDto): Promise<PostModel>');
    await expect(
      run([{ schematic: 'orm-resource', options: { name: 'Article' } }]),
    ).rejects.toThrow(/needs the fields[\s\S]*npx nest-ar generate resource Article title:string/);
  });
});

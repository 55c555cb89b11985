import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BelongsTo,
  Check,
  Column,
  CreatedAt,
  Index,
  ManyToMany,
  MigrationError,
  Migrator,
  Model,
  Orm,
  PrimaryKey,
  SchemaBuilder,
  Table,
  Unique,
  lintStatements,
  sql,
  type ModelClass,
} from '../../lib';
import { introspectSchema } from '../../lib/migrations/introspection';
import { describeOnServer } from '../support/test-database';

@Table('idx_authors')
@Index([sql`lower(email)`], { unique: true, name: 'idx_authors_lower_email_key' })
class Author extends Model {
  @PrimaryKey() id!: number;
  @Column() email!: string;
}

@Table('idx_tags')
class Tag extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table('idx_products')
@Index(['authorId', 'createdAt'])
@Index(['title'], { name: 'idx_products_live_title', where: sql`deleted_at IS NULL` })
@Index(['labels'], { using: 'gin' })
@Index(['title'], { opclass: { title: 'text_pattern_ops' }, name: 'idx_products_title_pattern' })
@Index(['createdAt'], { order: { createdAt: 'desc' } })
@Index(['price'], { name: 'idx "odd"; drop table idx_tags; --' })
@Unique(['tenantId', 'slug'])
@Check(sql`price >= 0`, { name: 'idx_products_price_check' })
class Product extends Model {
  @PrimaryKey() id!: number;
  @Column() tenantId!: number;
  @Column() slug!: string;
  @Column() title!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'text[]', default: sql`'{}'` }) labels!: string[];
  @Column() authorId!: number;
  @CreatedAt() createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) deletedAt!: Date | null;
  @BelongsTo(() => Author) author!: Author;
  @ManyToMany(() => Tag, { through: 'idx_product_tags' }) tags!: Tag[];
}

/**
 * The next version of Product: the partial index's condition and the check change, an index
 * is added, another on a new enum column (whose type the migration creates), and the
 * descending one is no longer declared.
 */
@Table('idx_products')
@Index(['authorId', 'createdAt'])
@Index(['title'], {
  name: 'idx_products_live_title',
  where: sql`deleted_at IS NULL AND price > 0`,
})
@Index(['labels'], { using: 'gin' })
@Index(['title'], { opclass: { title: 'text_pattern_ops' }, name: 'idx_products_title_pattern' })
@Index(['price'], { name: 'idx "odd"; drop table idx_tags; --' })
@Index(['slug'], { using: 'hash' })
@Unique(['tenantId', 'slug'])
@Check(sql`price >= 1`, { name: 'idx_products_price_check' })
@Index(['status'])
class ProductV2 extends Model {
  @PrimaryKey() id!: number;
  @Column({ enum: ['draft', 'live'], default: 'draft' }) status!: 'draft' | 'live';
  @Column() tenantId!: number;
  @Column() slug!: string;
  @Column() title!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'text[]', default: sql`'{}'` }) labels!: string[];
  @Column() authorId!: number;
  @CreatedAt() createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) deletedAt!: Date | null;
  @BelongsTo(() => Author) author!: Author;
  @ManyToMany(() => Tag, { through: 'idx_product_tags', foreignKey: 'productId' }) tags!: Tag[];
}

/** A third version: a unique index on the title, which duplicate titles make fail. */
@Table('idx_products')
@Unique(['title'])
class ProductV3 extends ProductV2 {}

/** A fourth: one more check, which existing rows break at first. */
@Table('idx_products')
@Check(sql`price >= 3`, { name: 'idx_products_price_floor' })
class ProductV4 extends ProductV3 {}

type Connect = (models: ModelClass[]) => Promise<Orm>;

/**
 * Tests that reconnect with other versions of the models to one database: PGlite in a data
 * directory, and a private schema on the server when DATABASE_URL is set.
 */
function describeVersions(title: string, fn: (connect: Connect) => void): void {
  describe(`${title} [pglite]`, () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'indexes-db-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
    fn((models) => Orm.connect({ dataDir, models, nPlusOne: false }));
  });
  describeOnServer(title, (url) => {
    fn((models) => Orm.connect({ url: url(), models, nPlusOne: false }));
  });
}

async function indexesOf(orm: Orm, table: string): Promise<Record<string, string>> {
  const rows = await orm.query<{ name: string; definition: string }>(
    sql`select indexname as name, indexdef as definition from pg_indexes
        where schemaname = current_schema() and tablename = ${table} order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.definition]));
}

describeVersions('indexes and checks declared on models', (connect) => {
  let directory: string;
  let orm: Orm | undefined;
  const open = async (models: ModelClass[]) => {
    await orm?.close();
    orm = await connect(models);
    return new Migrator(orm, { directory });
  };
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'indexes-'));
  });
  afterAll(async () => {
    await orm?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('new tables get every declared index and check in the migration creating them', async () => {
    const migrator = await open([Author, Tag, Product]);
    const generated = await migrator.generate('CreateCatalog');
    expect(generated.files).toHaveLength(1);
    const source = readFileSync(generated.file!, 'utf8');
    expect(source).not.toContain('transactional');
    expect(source).toContain(
      'schema.createIndex("idx_authors", [{ sql: "lower(email)" }], { name: "idx_authors_lower_email_key", unique: true });',
    );
    expect(source).toContain(
      'schema.createIndex("idx_products", ["tenant_id", "slug"], { name: "idx_products_tenant_id_slug_key", unique: true });',
    );
    expect(source).toContain(
      'schema.createIndex("idx_products", ["labels"], { name: "idx_products_labels_idx", using: "gin" });',
    );
    expect(source).toContain(
      'schema.addCheck("idx_products", "idx_products_price_check", "price >= 0");',
    );
    // the join table's primary key leads with product_id; tag_id gets an index
    expect(source).toContain(
      'schema.createIndex("idx_product_tags", ["tag_id"], { name: "idx_product_tags_tag_id_idx" });',
    );
    // author_id leads a declared index: no second one
    expect(source).not.toContain('idx_products_author_id_idx');
    expect(generated.warnings).toEqual([]);

    expect(await migrator.migrate()).toHaveLength(1);
    const indexes = await indexesOf(orm!, 'idx_products');
    expect(indexes['idx_products_live_title']).toMatch(/WHERE \(deleted_at IS NULL\)$/);
    expect(indexes['idx_products_title_pattern']).toMatch(/\(title text_pattern_ops\)$/);
    expect(indexes['idx_products_created_at_idx']).toMatch(/\(created_at DESC\)$/);
    expect(indexes['idx "odd"; drop table idx_tags; --']).toMatch(/\(price\)$/);
    expect(await indexesOf(orm!, 'idx_tags')).toHaveProperty(['idx_tags_pkey']);
    await expect(
      orm!.query(sql`insert into idx_products (tenant_id, slug, title, price, author_id)
                     values (1, 'a', 'A', -1, 1)`),
    ).rejects.toThrow(/idx_products_price_check/);
  });

  it('introspection reads indexes and checks back from the catalog', async () => {
    const { tables } = await introspectSchema(orm!);
    const products = tables.get('idx_products')!;
    const byName = (name: string) => products.indexes.find((i) => i.name === name);
    expect(byName('idx_products_title_pattern')).toMatchObject({
      unique: false,
      method: 'btree',
      columns: ['title'],
      keys: [{ column: 'title', opclass: 'text_pattern_ops' }],
      valid: true,
    });
    expect(byName('idx_products_created_at_idx')?.keys).toEqual([
      { column: 'created_at', order: 'desc' },
    ]);
    expect(byName('idx_products_live_title')?.where).toBe('deleted_at IS NULL');
    expect(byName('idx_products_labels_idx')?.method).toBe('gin');
    expect(byName('idx_products_tenant_id_slug_key')).toMatchObject({
      unique: true,
      columns: ['tenant_id', 'slug'],
    });
    expect(products.indexes.map((i) => i.name)).not.toContain('idx_products_pkey');
    expect(products.checks).toEqual([
      expect.objectContaining({
        name: 'idx_products_price_check',
        expression: 'price >= 0::numeric',
        declared: true,
      }),
    ]);
    expect(tables.get('idx_authors')!.indexes).toEqual([
      expect.objectContaining({
        name: 'idx_authors_lower_email_key',
        unique: true,
        columns: ['lower(email)'],
        keys: [{ expression: 'lower(email)' }],
      }),
    ]);
  });

  it('generating right after migrating writes nothing', async () => {
    const migrator = new Migrator(orm!, { directory });
    const again = await migrator.generate('Nothing');
    expect(again.files).toEqual([]);
    expect(again.notes).toEqual([]);
  });

  it('a changed definition is replaced; indexes of the existing table are built concurrently', async () => {
    const migrator = await open([Author, Tag, ProductV2]);
    const generated = await migrator.generate('ChangeCatalog');
    expect(generated.files).toHaveLength(2);
    const [main, concurrent] = generated.files.map((f) => readFileSync(f, 'utf8'));
    expect(generated.files[1]).toMatch(/_change_catalog_indexes\.ts$/);
    expect(main).toContain('schema.dropCheck("idx_products", "idx_products_price_check");');
    expect(main).toContain(
      'schema.addCheck("idx_products", "idx_products_price_check", "price >= 1", { notValid: true });',
    );
    expect(concurrent).toContain(
      'schema.validateCheck("idx_products", "idx_products_price_check");',
    );
    expect(main).not.toContain('createIndex');
    expect(concurrent).toContain('override readonly transactional = false;');
    expect(concurrent).toContain(
      'schema.dropIndex("idx_products_live_title", { concurrently: true });',
    );
    expect(concurrent).toContain(
      'schema.createIndex("idx_products", ["title"], { name: "idx_products_live_title", where: "deleted_at IS NULL AND price > 0", concurrently: true });',
    );
    expect(concurrent).toContain(
      'schema.createIndex("idx_products", ["slug"], { name: "idx_products_slug_idx", using: "hash", concurrently: true });',
    );
    expect(main).toContain('schema.createEnum("idx_products_status", ["draft","live"]);');
    expect(concurrent).toContain(
      'schema.createIndex("idx_products", ["status"], { name: "idx_products_status_idx", concurrently: true });',
    );
    // unchanged ones are left alone
    expect(concurrent).not.toContain('idx_products_title_pattern');
    expect(concurrent).not.toContain('idx_products_labels_idx');
    // no longer declared: reported, kept
    expect(main + concurrent).not.toMatch(/(createIndex|dropIndex)\(.*idx_products_created_at_idx/);
    expect(generated.notes).toEqual([
      expect.stringMatching(
        /^index "idx_products_created_at_idx" on "idx_products" is declared by no model: it is kept/,
      ),
    ]);
    expect(main).toContain('Review before running');
    expect(generated.warnings).toEqual([]);

    expect(await migrator.migrate()).toHaveLength(2);
    const indexes = await indexesOf(orm!, 'idx_products');
    expect(indexes['idx_products_live_title']).toMatch(
      /WHERE \(\(deleted_at IS NULL\) AND \(price > \(0\)::numeric\)\)$/,
    );
    expect(indexes['idx_products_slug_idx']).toMatch(/USING hash \(slug\)$/);
    expect(indexes['idx_products_created_at_idx']).toBeDefined();

    const again = await migrator.generate('Nothing');
    expect(again.files).toEqual([]);
    expect(again.notes).toHaveLength(1);
  });

  it('rolls both back, and the previous definitions return', async () => {
    const migrator = new Migrator(orm!, { directory });
    expect(await migrator.rollback(2)).toHaveLength(2);
    const indexes = await indexesOf(orm!, 'idx_products');
    expect(indexes['idx_products_live_title']).toMatch(/WHERE \(deleted_at IS NULL\)$/);
    expect(indexes['idx_products_slug_idx']).toBeUndefined();
    const v1 = await open([Author, Tag, Product]);
    expect((await v1.generate('Nothing')).files).toEqual([]);
    const v2 = await open([Author, Tag, ProductV2]);
    expect(await v2.migrate()).toHaveLength(2);
  });

  it('an index created by hand is reported and kept', async () => {
    await orm!.query(sql`create index manual_price_idx on idx_products (price, title)`);
    const migrator = new Migrator(orm!, { directory });
    const generated = await migrator.generate('Nothing');
    expect(generated.files).toEqual([]);
    expect(generated.notes.join('\n')).toMatch(
      /index "manual_price_idx" on "idx_products" is declared by no model: it is kept/,
    );
    expect(await indexesOf(orm!, 'idx_products')).toHaveProperty(['manual_price_idx']);
  });

  it('a concurrent build that failed is recovered by running the migration again', async () => {
    await orm!.query(sql`insert into idx_authors (email) values ('a@example.com')`);
    const [{ id: author }] = (await orm!.query<{ id: number }>(
      sql`select id from idx_authors`,
    )) as [{ id: number }];
    await orm!.query(sql`insert into idx_products (tenant_id, slug, title, price, author_id)
                         values (1, 'a', 'Same', 2, ${author}), (1, 'b', 'Same', 3, ${author})`);
    const migrator = await open([Author, Tag, ProductV3]);
    const generated = await migrator.generate('UniqueTitles');
    expect(generated.files).toHaveLength(1);
    expect(readFileSync(generated.file!, 'utf8')).toContain(
      'override readonly transactional = false;',
    );
    const failure = await migrator.migrate().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationError);
    const [left] = await orm!.query<{ valid: boolean }>(
      sql`select ix.indisvalid as valid from pg_index ix join pg_class i on i.oid = ix.indexrelid
          where i.relname = 'idx_products_title_key'`,
    );
    expect(left).toEqual({ valid: false });
    // an INVALID index is not what the model declares
    const again = await migrator.generate('Retry');
    expect(again.notes.join('\n')).toMatch(/"idx_products_title_key" on "idx_products" is INVALID/);
    rmSync(again.file!);

    await orm!.query(sql`update idx_products set title = 'Other' where slug = 'b'`);
    expect(await migrator.migrate()).toHaveLength(1);
    const [rebuilt] = await orm!.query<{ valid: boolean }>(
      sql`select ix.indisvalid as valid from pg_index ix join pg_class i on i.oid = ix.indexrelid
          where i.relname = 'idx_products_title_key'`,
    );
    expect(rebuilt).toEqual({ valid: true });
    expect((await migrator.generate('Nothing')).files).toEqual([]);
  });
});

describeVersions('checks added to existing tables', (connect) => {
  let directory: string;
  let orm: Orm | undefined;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'checks-'));
  });
  afterAll(async () => {
    await orm?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('are added NOT VALID, validated without blocking writes, and validated again after a failure', async () => {
    orm = await connect([Author, Tag, ProductV3]);
    await new Migrator(orm, { directory }).generate('CreateCatalog');
    await new Migrator(orm, { directory }).migrate();
    await orm.query(sql`insert into idx_authors (email) values ('b@example.com')`);
    await orm.query(sql`insert into idx_products (tenant_id, slug, title, price, author_id)
                        select 1, 'cheap', 'Cheap', 2, id from idx_authors`);
    await orm.close();
    orm = await connect([Author, Tag, ProductV4]);
    const migrator = new Migrator(orm, { directory });
    const generated = await migrator.generate('PriceFloor');
    expect(generated.files).toHaveLength(2);
    expect(generated.warnings).toEqual([]);

    const failure = await migrator.migrate().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationError);
    const state = () =>
      orm!.query<{ validated: boolean }>(
        sql`select convalidated as validated from pg_constraint where conname = 'idx_products_price_floor'`,
      );
    // the first migration applied: new rows are checked already; old ones not yet
    expect(await state()).toEqual([{ validated: false }]);
    await expect(
      orm.query(sql`update idx_products set price = 2.5 where slug = 'cheap'`),
    ).rejects.toThrow(/idx_products_price_floor/);

    await orm.query(sql`delete from idx_products where slug = 'cheap'`);
    expect(await migrator.migrate()).toHaveLength(1);
    expect(await state()).toEqual([{ validated: true }]);
    expect((await migrator.generate('Nothing')).files).toEqual([]);
  });
});
describe('index steps of hand-written migrations', () => {
  it('hand-written index steps quote names and refuse what is not an operator class or method', () => {
    const schema = new SchemaBuilder();
    schema.createIndex('t"x', [{ column: 'a"b', opclass: 'text_pattern_ops', order: 'desc' }], {
      name: 'n"; drop table t; --',
    });
    expect(schema.statements).toEqual([
      'CREATE INDEX "n""; drop table t; --" ON "t""x" ("a""b" "text_pattern_ops" DESC)',
    ]);
    expect(() =>
      schema.createIndex('t', [{ column: 'a', opclass: 'text_ops) ; drop table t; --' }]),
    ).toThrow(TypeError);
    expect(() => schema.createIndex('t', ['a'], { using: 'gin; drop' as never })).toThrow(
      TypeError,
    );
    expect(() => schema.createIndex('t', [])).toThrow(TypeError);
  });

  it('the safety lint flags plain index builds and checks on existing tables, not the safe forms', () => {
    const plain = 'CREATE INDEX "a_idx" ON "products" ("a")';
    const concurrent = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "a_idx" ON "products" ("a")';
    expect(lintStatements([plain])).toHaveLength(1);
    expect(lintStatements([concurrent])).toEqual([]);
    const check = 'ALTER TABLE "products" ADD CONSTRAINT "c" CHECK (price >= 0)';
    expect(lintStatements([check])).toEqual([expect.stringMatching(/notValid: true/)]);
    expect(lintStatements([`${check} NOT VALID`])).toEqual([]);
  });
});

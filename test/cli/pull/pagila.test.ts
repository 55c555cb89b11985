import { sql } from '../../../lib';
import { pullModels, type PullResult } from '../../../lib/cli/pull/pull-models';
import { pagilaStatements } from '../../support/sql-script';
import { describeEachDatabase } from '../../support/test-database';

/** What `db:pull` makes of Pagila, a schema nobody on this project wrote (test/fixtures/pagila). */
describeEachDatabase('db:pull on Pagila', { models: [], schema: '' }, (db) => {
  let pulled: PullResult;
  const source = (file: string) => pulled.files.find((f) => f.path.endsWith(`/${file}`))!.source;

  beforeAll(async () => {
    // Its session settings (check_function_bodies) hold for one session: one transaction.
    await db().orm.transaction(async () => {
      for (const statement of pagilaStatements()) await db().orm.query(sql.unsafe(statement));
    });
    pulled = await pullModels(db().orm, { out: '/nonexistent/models', dryRun: true });
  }, 120_000);

  it('writes a model per table; partitions are left to the partitioned table', () => {
    expect(pulled.files.map((f) => f.path.split('/').pop())).toEqual([
      'actor.model.ts',
      'address.model.ts',
      'category.model.ts',
      'city.model.ts',
      'country.model.ts',
      'customer.model.ts',
      'film.model.ts',
      'film-actor.model.ts',
      'film-category.model.ts',
      'inventory.model.ts',
      'language.model.ts',
      'payment.model.ts',
      'rental.model.ts',
      'staff.model.ts',
      'store.model.ts',
      'index.ts',
    ]);
  });

  it('reports views, functions, triggers, partitions, domain checks and free sequences', () => {
    const objects = pulled.notes.map((n) => n.object);
    expect(objects).toEqual(
      expect.arrayContaining([
        'view actor_info',
        'view film_list',
        'materialized view rental_by_category',
        'function film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer)',
        'aggregate group_concat(text)',
        'trigger film_fulltext_trigger on film',
        'trigger last_updated on actor',
        'payment_p2022_01',
        'payment_p2022_07',
        'domain year check year_check',
        'sequence film_film_id_seq',
      ]),
    );
    expect(pulled.notes).toContainEqual({
      object: 'payment_p2022_03',
      note: 'a partition of payment: rows are read and written through the payment model; its own keys, indexes and constraints stay in the database',
    });
    expect(source('index.ts')).toContain(' * - view actor_info: not a model');
  });

  it('maps enums, domains, arrays, tsvector and fixed-length text', () => {
    const film = source('film.model.ts');
    expect(film).toContain(
      `@Column({ type: 'integer', sqlType: 'year', nullable: true }) releaseYear!: number | null;`,
    );
    expect(film).toContain(
      `  @Column({
    enum: ['G', 'PG', 'PG-13', 'R', 'NC-17'],
    enumName: 'mpaa_rating',
    nullable: true,
    default: 'G',
  })
  rating!: 'G' | 'PG' | 'PG-13' | 'R' | 'NC-17' | null;`,
    );
    expect(film).toContain(
      `@Column({ type: 'text[]', nullable: true }) specialFeatures!: string[] | null;`,
    );
    expect(film).toContain(`@Column({ type: 'tsvector' }) fulltext!: string;`);
    expect(film).toContain(
      `@Column({ type: 'numeric', precision: 4, scale: 2, default: '4.99' }) rentalRate!: string;`,
    );
    expect(source('language.model.ts')).toContain(
      `@Column({ type: 'char', length: 20 }) name!: string;`,
    );
    expect(pulled.notes.filter((n) => n.object === 'language.name')).toEqual([]);
    expect(source('staff.model.ts')).toContain(
      `@Column({ type: 'bytea', nullable: true }) picture!: Buffer | null;`,
    );
  });

  it('two keys to one table get names that do not collide, on both sides', () => {
    const film = source('film.model.ts');
    expect(film).toContain('@BelongsTo(() => Language) language!: Rel<Language>;');
    expect(film).toContain('@BelongsTo(() => Language) originalLanguage!: Rel<Language> | null;');
    const language = source('language.model.ts');
    expect(language).toContain(
      `@HasMany(() => Film, { foreignKey: 'languageId' }) films!: Rel<Film>[];`,
    );
    expect(language).toContain(
      `@HasMany(() => Film, { foreignKey: 'originalLanguageId' }) originalLanguageFilms!: Rel<Film>[];`,
    );
  });

  it('link tables with timestamps are join models, with @ManyToMany on both sides', () => {
    expect(source('film-actor.model.ts')).toContain(
      `export class FilmActor extends Model {
  @PrimaryKey() actorId!: number;
  @PrimaryKey() filmId!: number;
  @Column({ default: sql\`now()\` }) lastUpdate!: Date;

  @BelongsTo(() => Actor) actor!: Rel<Actor>;
  @BelongsTo(() => Film) film!: Rel<Film>;
}`,
    );
    expect(source('film.model.ts')).toContain(
      `  @ManyToMany(() => Actor, { through: () => FilmActor, foreignKey: 'filmId', otherKey: 'actorId' })
  actors!: Rel<Actor>[];`,
    );
    expect(source('actor.model.ts')).toContain(
      `  @ManyToMany(() => Film, { through: () => FilmActor, foreignKey: 'actorId', otherKey: 'filmId' })
  films!: Rel<Film>[];`,
    );
    expect(source('category.model.ts')).toContain(
      `@ManyToMany(() => Film, {
    through: () => FilmCategory,
    foreignKey: 'categoryId',
    otherKey: 'filmId',
  })
  films!: Rel<Film>[];`,
    );
  });

  it('unique indexes are declared with their names; the partitioned table keeps its composite key', () => {
    expect(source('store.model.ts')).toContain(
      `@Table('store')\n@Unique(['managerStaffId'], { name: 'idx_unq_manager_staff_id' })\n`,
    );
    expect(source('payment.model.ts')).toContain(
      `@Table('payment')
export class Payment extends Model {
  @PrimaryKey() paymentDate!: Date;
  @PrimaryKey({ generated: true }) paymentId!: number;
  @Column() customerId!: number;`,
    );
  });

  it('indexes keep their names and methods; keys no index serves opt out of the default one', () => {
    expect(source('film.model.ts')).toContain(
      `@Table('film')
@Index(['fulltext'], { name: 'film_fulltext_idx', using: 'gist' })
@Index(['languageId'], { name: 'idx_fk_language_id' })
@Index(['originalLanguageId'], { name: 'idx_fk_original_language_id' })
@Index(['title'], { name: 'idx_title' })
export class Film extends Model {`,
    );
    expect(source('film-actor.model.ts')).toContain(
      `@Table('film_actor')\n@Index(['filmId'], { name: 'idx_fk_film_id' })\n`,
    );
    const rental = source('rental.model.ts');
    expect(rental).toContain(
      '@BelongsTo(() => Customer, { index: false }) customer!: Rel<Customer>;',
    );
    expect(rental).toContain('@BelongsTo(() => Inventory) inventory!: Rel<Inventory>;');
  });

  it('customer → address → city → country', () => {
    expect(source('customer.model.ts')).toContain(
      '@BelongsTo(() => Address) address!: Rel<Address>;',
    );
    expect(source('address.model.ts')).toContain('@BelongsTo(() => City) city!: Rel<City>;');
    expect(source('city.model.ts')).toContain('@BelongsTo(() => Country) country!: Rel<Country>;');
    expect(source('country.model.ts')).toContain(
      `@HasMany(() => City, { foreignKey: 'countryId' }) cities!: Rel<City>[];`,
    );
  });
});

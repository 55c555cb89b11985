import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql, type ModelClass } from '../../../lib';
import { pullModels } from '../../../lib/cli/pull/pull-models';
import { typeErrors } from '../../support/generated-models';
import { pagilaStatements } from '../../support/sql-script';
import { describeEachDatabase } from '../../support/test-database';

type Row = Record<string, unknown>;

/** The statics the tests call on classes imported at run time (their types are not known). */
interface LoadedModel {
  where(input: object): {
    include(...paths: string[]): Promise<Row[]>;
    order(input: object): Promise<Row[]>;
  };
  create(values: object): Promise<Row>;
}

const rentalData = `
  INSERT INTO language (language_id, name) VALUES (1, 'English'), (2, 'Italian');
  INSERT INTO country (country_id, country) VALUES (1, 'Italy');
  INSERT INTO city (city_id, city, country_id) VALUES (1, 'Turin', 1);
  INSERT INTO address (address_id, address, district, city_id, phone)
    VALUES (1, 'Via Roma 1', 'Centro', 1, '011');
  INSERT INTO store (store_id, manager_staff_id, address_id) VALUES (1, 1, 1);
  INSERT INTO staff (staff_id, first_name, last_name, address_id, store_id, username)
    VALUES (1, 'Mike', 'Hillyer', 1, 1, 'mike');
  INSERT INTO customer (customer_id, store_id, first_name, last_name, address_id)
    VALUES (1, 1, 'Mary', 'Smith', 1);
  INSERT INTO actor (actor_id, first_name, last_name)
    VALUES (1, 'Penelope', 'Guiness'), (2, 'Nick', 'Wahlberg');
  INSERT INTO category (category_id, name) VALUES (1, 'Drama'), (2, 'Comedy');
  INSERT INTO film (film_id, title, language_id, original_language_id, release_year, rating)
    VALUES (1, 'Academy Dinosaur', 1, 2, 2006, 'PG');
  INSERT INTO film_actor (actor_id, film_id) VALUES (1, 1), (2, 1);
  INSERT INTO film_category (film_id, category_id) VALUES (1, 1), (1, 2);
  INSERT INTO inventory (inventory_id, film_id, store_id) VALUES (1, 1, 1);
  INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, staff_id)
    VALUES (1, '2022-01-24 10:00:00+00', 1, 1, 1);
  INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date)
    VALUES (1, 1, 1, 1, 2.99, '2022-01-25 10:00:00+00'), (2, 1, 1, 1, 0.99, '2022-03-02 10:00:00+00')
`;

/** Pagila pulled, type-checked, bound to a connection and queried: the models are usable as they come. */
describeEachDatabase('models pulled from Pagila', { models: [], schema: '' }, (db) => {
  let out: string;
  let models: Record<string, LoadedModel>;

  beforeAll(async () => {
    await db().orm.transaction(async () => {
      for (const statement of pagilaStatements()) await db().orm.query(sql.unsafe(statement));
    });
    out = mkdtempSync(join(tmpdir(), 'pagila-models-'));
    await pullModels(db().orm, { out });
    const loaded = (await import(join(out, 'index.ts'))) as { models: ModelClass[] };
    for (const model of loaded.models) db().orm.repository(model);
    models = Object.fromEntries(loaded.models.map((m) => [m.name, m as unknown as LoadedModel]));
    await db().exec(rentalData);
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the pulled files type-check in an app', () => {
    expect(typeErrors(out)).toEqual([]);
  });

  it('migration:generate after the pull writes nothing', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'pagila-migrations-'));
    try {
      const generated = await new Migrator(db().orm, { directory }).generate('AfterPull');
      expect(generated.files).toEqual([]);
      expect(readdirSync(directory)).toEqual([]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('films with their actors, categories and languages', async () => {
    const [film] = await models
      .Film!.where({ filmId: 1 })
      .include('actors', 'categories', 'language', 'originalLanguage');
    expect(film).toMatchObject({ title: 'Academy Dinosaur', releaseYear: 2006, rating: 'PG' });
    expect((film!.actors as Row[]).map((a) => a.lastName).sort()).toEqual(['Guiness', 'Wahlberg']);
    expect((film!.categories as Row[]).map((c) => c.name).sort()).toEqual(['Comedy', 'Drama']);
    expect((film!.language as Row).name).toMatch(/^English */);
    expect((film!.originalLanguage as Row).name).toMatch(/^Italian */);
  });

  it('a customer with address, city and country', async () => {
    const [customer] = await models
      .Customer!.where({ customerId: 1 })
      .include('address.city.country');
    expect(customer).toMatchObject({
      firstName: 'Mary',
      activebool: true,
      address: { address: 'Via Roma 1', city: { city: 'Turin', country: { country: 'Italy' } } },
    });
  });

  it("a customer's payments, across partitions, and a new one written through the model", async () => {
    await models.Payment!.create({
      paymentId: 3,
      customerId: 1,
      staffId: 1,
      rentalId: 1,
      amount: '4.99',
      paymentDate: new Date('2022-05-01T12:00:00Z'),
    });
    const payments = await models.Payment!.where({ customerId: 1 }).order({ paymentDate: 'asc' });
    expect(payments.map((p) => p.amount)).toEqual(['2.99', '0.99', '4.99']);
    const [{ partition }] = await db().orm.query<{ partition: string }>(
      sql`SELECT tableoid::regclass::text AS partition FROM payment WHERE payment_id = 3`,
    );
    expect(partition).toBe('payment_p2022_05');
  });
});

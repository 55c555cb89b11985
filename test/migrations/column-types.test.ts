import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, Migrator, Model, PrimaryKey, Range, Table } from '../../lib';
import { describeEachDatabase } from '../support/test-database';

@Table('typed_rows')
class TypedRow extends Model {
  @PrimaryKey() id!: number;
  @Column({ type: 'interval' }) warranty!: string;
  @Column({ type: 'inet', nullable: true }) ip!: string | null;
  @Column({ type: 'cidr', nullable: true }) network!: string | null;
  @Column({ type: 'macaddr', nullable: true }) mac!: string | null;
  @Column({ type: 'tsvector', nullable: true }) search!: string | null;
  @Column({ type: 'int4range', nullable: true }) ages!: Range<number> | null;
  @Column({ type: 'int8range', nullable: true }) serials!: Range<string> | null;
  @Column({ type: 'numrange', nullable: true }) weights!: Range<string> | null;
  @Column({ type: 'tsrange', nullable: true }) localWindow!: Range<Date> | null;
  @Column({ type: 'tstzrange', nullable: true }) window!: Range<Date> | null;
  @Column({ type: 'daterange', nullable: true }) season!: Range<string> | null;
  @Column({ type: 'bytea', nullable: true }) firmware!: Buffer | null;
  @Column({ type: 'interval[]', nullable: true }) intervals!: string[] | null;
  @Column({ type: 'inet[]', nullable: true }) peers!: string[] | null;
  @Column({ type: 'cidr[]', nullable: true }) networks!: string[] | null;
  @Column({ type: 'macaddr[]', nullable: true }) macs!: string[] | null;
  @Column({ type: 'bytea[]', nullable: true }) chunks!: Buffer[] | null;
  @Column({ type: 'integer', sqlType: 'year' }) releaseYear!: number;
  @Column({ type: 'numeric', sqlType: 'Rating', nullable: true }) rating!: string | null;
  @Column({
    type: 'text',
    nullable: true,
    transformer: { toDatabase: (v: URL) => v.href, fromDatabase: (raw: string) => new URL(raw) },
  })
  homepage!: URL | null;
}

// The domains are the application's own migration step; the models only name them.
const domains = `
  create domain year as integer check (value between 1900 and 2100);
  create domain "Rating" as numeric(3, 1)`;

describeEachDatabase(
  'migrations of every column type',
  { models: [TypedRow], schema: domains },
  (db) => {
    let directory: string;
    let migrator: Migrator;

    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'typed-migrations-'));
      migrator = new Migrator(db().orm, { directory });
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('generates the types as PostgreSQL spells them, domains by name', async () => {
      const generated = await migrator.generate('CreateTypedRows');
      const source = readFileSync(generated.file!, 'utf8');
      for (const [column, type] of [
        ['warranty', 'interval'],
        ['ip', 'inet'],
        ['network', 'cidr'],
        ['mac', 'macaddr'],
        ['search', 'tsvector'],
        ['ages', 'int4range'],
        ['serials', 'int8range'],
        ['weights', 'numrange'],
        ['local_window', 'tsrange'],
        ['window', 'tstzrange'],
        ['season', 'daterange'],
        ['firmware', 'bytea'],
        ['intervals', 'interval[]'],
        ['peers', 'inet[]'],
        ['networks', 'cidr[]'],
        ['macs', 'macaddr[]'],
        ['chunks', 'bytea[]'],
        ['release_year', 'year'],
        ['rating', '\\"Rating\\"'],
        ['homepage', 'text'],
      ]) {
        expect(source).toContain(`t.add("${column}", "${type}")`);
      }
    });

    it('migrates, the models use the tables, and a second generate writes nothing', async () => {
      expect(await migrator.migrate()).toHaveLength(1);
      const row = await TypedRow.create({
        warranty: 'P2Y',
        ip: '10.0.0.1',
        ages: new Range(1, 5),
        releaseYear: 2024,
        rating: '4.5',
        homepage: new URL('https://example.com/a'),
        macs: ['08:00:2b:01:02:03'],
      });
      const found = await TypedRow.find(row.id);
      expect(found.releaseYear).toBe(2024);
      expect(found.rating).toBe('4.5');
      expect(found.homepage?.href).toBe('https://example.com/a');
      expect(found.ages).toEqual(new Range(1, 5));
      const again = await migrator.generate('Nothing');
      expect(again.file).toBeUndefined();
    });
  },
);

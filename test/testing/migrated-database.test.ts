import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMigrated, PgliteDriver, PgliteSnapshotCache, sql } from '../../lib';
import { describeOnServer } from '../support/test-database';

function writeMigration(directory: string, name: string, table: string, extra = ''): void {
  writeFileSync(
    join(directory, `${name}.ts`),
    `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class M extends Migration {
  up(schema: SchemaBuilder) { schema.createTable('${table}', (t) => { t.id(); }); }
  down(schema: SchemaBuilder) { schema.dropTable('${table}'); }
}
${extra}`,
  );
}

const tables = async (orm: Awaited<ReturnType<typeof connectMigrated>>['orm']) =>
  (
    await orm.query<{ name: string }>(
      sql`select table_name as name from information_schema.tables
          where table_schema = current_schema() order by 1`,
    )
  ).map((r) => r.name);

describe('connectMigrated: a migrated in-memory database, kept as a snapshot', () => {
  let folder: string;
  let directory: string;
  let cache: PgliteSnapshotCache;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'snapshots-'));
    directory = mkdtempSync(join(tmpdir(), 'migrations-'));
    cache = new PgliteSnapshotCache(folder);
    writeMigration(directory, '20260101000000_create_alphas', 'alphas');
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
    rmSync(directory, { recursive: true, force: true });
  });

  it('migrates the first time, then starts from the snapshot with nothing pending', async () => {
    const first = await connectMigrated({ models: [] }, { directory, snapshotCache: cache });
    expect(first).toMatchObject({ fromSnapshot: false, applied: ['20260101000000_create_alphas'] });
    await first.orm.query(sql`insert into alphas default values`);
    await first.orm.close();
    expect(readdirSync(folder).filter((f) => f.endsWith('.tar'))).toHaveLength(1);

    const second = await connectMigrated({ models: [] }, { directory, snapshotCache: cache });
    expect(second).toMatchObject({ fromSnapshot: true, applied: [] });
    expect(await tables(second.orm)).toEqual(['alphas', 'schema_migrations']);
    // The copy is of the database as migrated, not as the first user left it.
    expect(await second.orm.query(sql`select * from alphas`)).toEqual([]);
    await second.orm.close();
  });

  it('never loads a snapshot of other migration files: a change or a new file migrates', async () => {
    await (await connectMigrated({}, { directory, snapshotCache: cache })).orm.close();
    writeMigration(directory, '20260101000000_create_alphas', 'alphas', '// edited\n');
    const edited = await connectMigrated({ models: [] }, { directory, snapshotCache: cache });
    expect(edited.fromSnapshot).toBe(false);
    await edited.orm.close();

    writeMigration(directory, '20260102000000_create_betas', 'betas');
    const grown = await connectMigrated({ models: [] }, { directory, snapshotCache: cache });
    expect(grown).toMatchObject({
      fromSnapshot: false,
      applied: ['20260101000000_create_alphas', '20260102000000_create_betas'],
    });
    expect(await tables(grown.orm)).toEqual(['alphas', 'betas', 'schema_migrations']);
    await grown.orm.close();
  });

  it('replaces a damaged snapshot by migrating again', async () => {
    await (await connectMigrated({ models: [] }, { directory, snapshotCache: cache })).orm.close();
    for (const file of readdirSync(folder))
      writeFileSync(join(folder, file), 'not a data directory');
    const again = await connectMigrated({ models: [] }, { directory, snapshotCache: cache });
    expect(again).toMatchObject({ fromSnapshot: false, applied: ['20260101000000_create_alphas'] });
    await again.orm.close();
    const fromRepaired = await connectMigrated({ models: [] }, { directory, snapshotCache: cache });
    expect(fromRepaired.fromSnapshot).toBe(true);
    await fromRepaired.orm.close();
  });

  it('keeps nothing with snapshotCache: false', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await connectMigrated({ models: [] }, { directory, snapshotCache: false });
      expect(run.fromSnapshot).toBe(false);
      await run.orm.close();
    }
    expect(readdirSync(folder)).toEqual([]);
  });

  it('starts a new in-memory database from a cached fresh cluster, and survives a damaged one', async () => {
    const first = new PgliteDriver({ snapshotCache: cache });
    await first.connect();
    await first.close();
    expect(readdirSync(folder)).toHaveLength(1);
    for (const file of readdirSync(folder)) writeFileSync(join(folder, file), 'garbage');
    const second = new PgliteDriver({ snapshotCache: cache });
    await second.connect();
    expect((await second.query('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
    await second.close();
    // Two initdb runs (the empty cache, then the damaged one): ~10 s each on an idle machine,
    // past the suite's 30 s bound on a loaded one.
  }, 120_000);
});

describeOnServer('connectMigrated on a server', (url) => {
  it('migrates the server itself and keeps no snapshot', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'snapshots-'));
    const directory = mkdtempSync(join(tmpdir(), 'migrations-'));
    writeMigration(directory, '20260101000000_create_gammas', 'gammas');
    try {
      const cache = new PgliteSnapshotCache(folder);
      const first = await connectMigrated(
        { url: url(), models: [] },
        { directory, snapshotCache: cache },
      );
      expect(first).toMatchObject({
        fromSnapshot: false,
        applied: ['20260101000000_create_gammas'],
      });
      await first.orm.close();
      const second = await connectMigrated(
        { url: url(), models: [] },
        { directory, snapshotCache: cache },
      );
      expect(second).toMatchObject({ fromSnapshot: false, applied: [] });
      await second.orm.close();
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('the snapshot cache', () => {
  it('keeps only the most recently used snapshots', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'snapshots-'));
    try {
      const cache = new PgliteSnapshotCache(folder, 2);
      const blob = (text: string) => new Blob([text]);
      await cache.save('a', blob('A'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await cache.save('b', blob('B'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Using `a` makes `b` the least recently used one.
      expect(await (await cache.load('a'))!.text()).toBe('A');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await cache.save('c', blob('C'));
      expect(await cache.load('b')).toBeUndefined();
      expect(await (await cache.load('a'))!.text()).toBe('A');
      expect(await (await cache.load('c'))!.text()).toBe('C');
      expect(readdirSync(folder)).toHaveLength(2);
      expect(() => new PgliteSnapshotCache(folder, 0)).toThrow(/at least one/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

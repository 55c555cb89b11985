import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, Orm, QueryTimeoutError, sql } from '../../lib';
import { describeOnServer } from '../support/test-database';

describeOnServer('migrations and the pool time bounds', (url) => {
  it('a migration may run longer than the statement bounds; other work stays bounded', async () => {
    const orm = await Orm.connect({
      url: url(),
      models: [],
      pool: { max: 1, statementTimeoutMs: 300, queryTimeoutMs: 600 },
    });
    const directory = mkdtempSync(join(tmpdir(), 'long-migrations-'));
    try {
      writeFileSync(
        join(directory, '20260101000000_slow.ts'),
        `import { Migration, type SchemaBuilder } from 'nestjs-active-record';
export default class Slow extends Migration {
  up(schema: SchemaBuilder) { schema.sql('select pg_sleep(1)'); schema.sql('create table slow_done (id integer)'); }
  down(schema: SchemaBuilder) { schema.sql('drop table slow_done'); }
}
`,
      );
      expect(await new Migrator(orm, { directory }).migrate()).toEqual(['20260101000000_slow']);
      // The lifted session was discarded: the pool's one connection is bounded again.
      await expect(orm.query(sql`select pg_sleep(1)`)).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(await orm.query(sql`select count(*)::int as n from slow_done`)).toEqual([{ n: 0 }]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
      await orm.close();
    }
  });
});

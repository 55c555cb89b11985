import { PgDriver } from '../../lib';
import { describeOnServer } from '../support/test-database';

describeOnServer('row listener of the pg driver', (url) => {
  let driver: PgDriver;

  beforeAll(() => {
    // One connection: a statement after a failed listener runs on the same one.
    driver = new PgDriver(url(), { max: 1 });
  });

  afterAll(async () => {
    await driver.close();
  });

  it('shows each row, in order, as the same object the answer holds, before the answer', async () => {
    let answered = false;
    const seen: Array<{ row: Record<string, unknown>; answered: boolean }> = [];
    const result = await driver
      .query<{ n: number }>('select g as n from generate_series(1, 500) g', [], {
        onRow: (row) => seen.push({ row, answered }),
      })
      .finally(() => (answered = true));
    expect(result.rows.map((r) => r.n)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(seen).toHaveLength(500);
    seen.forEach(({ row, answered: after }, i) => {
      expect(row).toBe(result.rows[i]);
      expect(after).toBe(false);
    });
  });

  it('shows rows while the server is still computing the next ones', async () => {
    // Rows of 100 kB leave the server's output buffer as they are made; the last one takes a
    // second longer to compute.
    let firstSeenAt: number | undefined;
    const result = await driver.query(
      `select g, repeat('x', 100000) as filler, case when g = 3 then pg_sleep(1) end as pause
       from generate_series(1, 3) g`,
      [],
      { onRow: () => (firstSeenAt ??= performance.now()) },
    );
    const answeredAt = performance.now();
    expect(result.rows).toHaveLength(3);
    expect(answeredAt - firstSeenAt!).toBeGreaterThan(500);
  });

  it('stops calling a listener that throws; the statement answers every row and the connection stays usable', async () => {
    const calls: number[] = [];
    const result = await driver.query<{ n: number }>(
      'select g as n from generate_series(1, 5) g',
      [],
      {
        onRow: (row) => {
          calls.push(row.n as number);
          if (row.n === 2) throw new Error('listener failed');
        },
      },
    );
    expect(calls).toEqual([1, 2]);
    expect(result.rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    const next = await driver.query<{ ok: number }>('select 1 as ok', []);
    expect(next.rows).toEqual([{ ok: 1 }]);
  });

  it('a session shows its rows to the listener too', async () => {
    const session = await driver.acquire();
    try {
      const seen: unknown[] = [];
      await session.query('begin', []);
      const result = await session.query('select g from generate_series(1, 3) g', [], {
        onRow: (row) => seen.push(row.g),
      });
      await session.query('commit', []);
      expect(seen).toEqual([1, 2, 3]);
      expect(result.rowCount).toBe(3);
    } finally {
      session.release();
    }
  });
});

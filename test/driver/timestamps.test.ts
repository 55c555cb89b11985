import { Column, Model, PrimaryKey, Table, sql } from '../../lib';
import { describeEachDatabase } from '../support/test-database';

@Table('ts_events')
class Event extends Model {
  @PrimaryKey() id!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'timestamp', nullable: true }) localAt!: Date | null;
}

const schema = `create table ts_events (id serial primary key, at timestamptz not null, local_at timestamp)`;

/** The instant of a UTC wall-clock time in any year (Date.UTC reads years 0–99 as 19xx). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0) {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date;
}

describeEachDatabase('timestamps read from the server', { models: [Event], schema }, (db) => {
  async function read(text: string, zone = 'UTC'): Promise<unknown> {
    return db().orm.transaction(async () => {
      await db().orm.query(sql`select set_config('TimeZone', ${zone}, true)`);
      const [row] = await db().orm.query<{ t: unknown }>(sql`select ${text}::timestamptz as t`);
      return row!.t;
    });
  }

  it.each([
    ['2024-03-01 10:20:30.123999+00', utc(2024, 3, 1, 10, 20, 30, 123)],
    ['1969-12-31 23:59:59.999501+00', utc(1969, 12, 31, 23, 59, 59, 999)],
    ['0044-03-15 12:00:00+00', utc(44, 3, 15, 12)],
    ['0001-01-01 00:00:00+00', utc(1, 1, 1)],
    ['0200-01-01 00:00:00+00 BC', utc(-199, 1, 1)],
    ['12000-01-01 00:00:00+00', utc(12000, 1, 1)],
    ['2024-02-29 23:30:00-03:30', utc(2024, 3, 1, 3)],
  ])('%s is the instant it names, in any session time zone', async (text, expected) => {
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Amsterdam']) {
      expect({ zone, value: await read(text, zone) }).toEqual({ zone, value: expected });
    }
  });

  it('an offset in seconds (before standard time zones) keeps its seconds', async () => {
    // Amsterdam was at +00:19:32 local mean time in 1850.
    expect(await read('1850-06-01 12:00:00+00', 'Europe/Amsterdam')).toEqual(utc(1850, 6, 1, 12));
  });

  it('infinity reads as Infinity and -infinity as -Infinity', async () => {
    expect(await read('infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(await read('-infinity')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('a Date of any year is saved and read back unchanged, arrays too', async () => {
    const moments = [
      utc(44, 3, 15, 12, 0, 0, 5),
      utc(2024, 1, 1),
      utc(-199, 1, 1),
      utc(12000, 1, 1),
    ];
    for (const at of moments) {
      const event = await Event.create({ at, localAt: at });
      const found = await Event.find(event.id);
      expect(found.at).toEqual(at);
      expect(found.localAt).toEqual(at);
    }
    const [row] = await db().orm.query<{ list: unknown[] }>(
      sql`select array[${moments[0]}::timestamptz, null, ${moments[1]}::timestamptz] as list`,
    );
    expect(row!.list).toEqual([moments[0], null, moments[1]]);
  });
});

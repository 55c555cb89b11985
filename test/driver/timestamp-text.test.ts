/** The timestamp text both drivers and the one-statement includes read, without a database. */
import { formatTimestamp, parseTimestamp } from '../../lib/driver/timestamp-text';

/** A deterministic sequence of instants over years 1 BC to 12000, one after another. */
function* instants(count: number): Generator<Date> {
  let seed = 7;
  const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  const earliest = Date.UTC(2000, 0, 1) - 2000 * 365.2425 * 86_400_000;
  const latest = Date.UTC(12000, 0, 1);
  for (let i = 0; i < count; i++) {
    // Neighbours in the same month, then a jump: both ways through the month computation.
    const base = earliest + Math.floor(next() * (latest - earliest));
    yield new Date(base);
    yield new Date(base + Math.floor(next() * 86_400_000));
  }
}

describe('timestamp text', () => {
  it('reads back every instant it writes, in the wire and the JSON spelling', () => {
    for (const instant of instants(2000)) {
      const wire = formatTimestamp(instant, 'utc');
      expect({ wire, read: parseTimestamp(wire) }).toEqual({ wire, read: instant });
      const json = wire.replace(' ', 'T').replace(/\+00( BC)?$/, '+00:00$1');
      expect({ json, read: parseTimestamp(json) }).toEqual({ json, read: instant });
    }
  });

  it.each([
    ['2024-03-01 10:20:30.5+00', '2024-03-01T10:20:30.500Z'],
    ['2024-03-01 10:20:30.25+00', '2024-03-01T10:20:30.250Z'],
    ['2024-03-01 10:20:30.125999+00', '2024-03-01T10:20:30.125Z'],
    ['2024-03-01 10:20:30+05:30', '2024-03-01T04:50:30.000Z'],
    ['2024-01-31T23:00:00-01:00', '2024-02-01T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect((parseTimestamp(text) as Date).toISOString()).toBe(iso);
  });
});

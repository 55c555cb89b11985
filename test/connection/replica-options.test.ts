import 'reflect-metadata';
import { ConfigurationError, InvalidQueryError, Orm, sql } from '../../lib';
import { formatWalPosition, parseWalPosition } from '../../lib/driver/wal-position';

describe('WAL positions', () => {
  it('parses X/Y exactly into a bigint and prints it back', () => {
    expect(parseWalPosition('0/0')).toBe(0n);
    expect(parseWalPosition('16/B374D848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseWalPosition('ffffffff/ffffffff')).toBe((1n << 64n) - 1n);
    expect(formatWalPosition(parseWalPosition('16/b374d848')!)).toBe('16/B374D848');
    // The low half is a number of its own: 1/10 comes after 1/F, not before.
    expect(parseWalPosition('1/10')! > parseWalPosition('1/F')!).toBe(true);
    expect(parseWalPosition('2/0')! > parseWalPosition('1/FFFFFFFF')!).toBe(true);
  });

  it.each([
    '',
    '0',
    '/0',
    '0/',
    '1/2/3',
    ' 0/0',
    '0/0 ',
    '0x1/0',
    '-1/0',
    '1/G',
    '123456789/0',
    '0/123456789',
    "0/0'; drop table users; --",
    '0/0\n',
    '１/0',
  ])('refuses %j', (text) => {
    expect(parseWalPosition(text)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 1, ['0/0'], { toString: () => '0/0' }]) {
      expect(parseWalPosition(value)).toBeUndefined();
    }
  });
});

describe('replica options', () => {
  it('refuses replicas on embedded PostgreSQL, before opening anything', async () => {
    const error = await Orm.connect({ models: [], replicas: ['postgres://replica/app'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'Read replicas need a PostgreSQL server: set url (embedded PostgreSQL has no replicas)',
    );
  });

  it.each([
    [
      { replicas: 'postgres://replica/app' },
      'replicas must be a list of postgres:// connection strings',
    ],
    [{ replicas: [''] }, 'replicas must be a list of postgres:// connection strings'],
    [
      { replicas: ['postgres://r/app'], maxReplicaLagMs: -1 },
      'maxReplicaLagMs must be a positive integer (milliseconds)',
    ],
    [
      { replicas: ['postgres://r/app'], replicaCheckIntervalMs: 1.5 },
      'replicaCheckIntervalMs must be a positive integer (milliseconds)',
    ],
  ])('refuses %j', async (options, message) => {
    const error = await Orm.connect({
      url: 'postgres://postgres@127.0.0.1:1/none',
      models: [],
      ...(options as object),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(message);
  });

  it('without replicas: everything on the primary, no write positions, readAfter only checks its input', async () => {
    const events: string[] = [];
    const orm = await Orm.connect({ models: [], onQuery: (e) => events.push(e.target) });
    try {
      await orm.query(sql`select 1`, { readOnly: true });
      await orm.query(sql`select 1`);
      expect(events).toEqual(['primary', 'primary']);
      expect(orm.writePosition()).toBeUndefined();
      expect(orm.replicaStatus()).toEqual([]);
      expect(() => orm.readAfter('0/16B3748')).not.toThrow();
      expect(() => orm.readAfter("0/0'; select 1")).toThrow(InvalidQueryError);
      expect(() => orm.readAfter("0/0'; select 1")).toThrow(
        'readAfter() needs a WAL position like 16/B374D848',
      );
    } finally {
      await orm.close();
    }
  });
});

import { createServer, type AddressInfo, type Socket } from 'node:net';
import {
  ConnectionError,
  InvalidQueryError,
  Orm,
  PgDriver,
  QueryError,
  QueryTimeoutError,
  TransactionError,
  sql,
} from '../../lib';
import { translateDatabaseError } from '../../lib/driver/translate-error';
import { describeOnServer, itOnSession } from '../support/test-database';

const target = 'db:5432/app';

describe('timeouts and lost connections, translated', () => {
  it('the client-side query timeout and SQLSTATE 57014 are one QueryTimeoutError', () => {
    const client = translateDatabaseError(new Error('Query read timeout'), 'select 1', target, 900);
    const server = translateDatabaseError(
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      'select 1',
      target,
    );
    for (const error of [client, server]) {
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(error).toBeInstanceOf(TransactionError);
      expect(error).toMatchObject({ code: 'QUERY_TIMEOUT', sqlState: '57014', retryable: false });
    }
    expect(client.message).toMatch(/query timeout of 900 ms/);
  });

  it.each([
    ['25P03', 'terminating connection due to idle-in-transaction timeout'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P05', 'terminating connection due to idle-session timeout'],
  ])('a session the server ended (%s) is a ConnectionError', (code, message) => {
    const error = translateDatabaseError(Object.assign(new Error(message), { code }), '', target);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(code);
  });

  it('a client that lost its connection is a ConnectionError, never an XX000 QueryError', () => {
    for (const message of [
      'Client has encountered a connection error and is not queryable',
      'Connection terminated unexpectedly',
    ]) {
      const error = translateDatabaseError(new Error(message), 'select 1', target);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).not.toBeInstanceOf(QueryError);
    }
  });

  it('socket errors are recognized by their fields, whatever realm made them', () => {
    const foreign = { message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' };
    expect(translateDatabaseError(foreign, undefined, target)).toBeInstanceOf(ConnectionError);
    const both = { message: '', errors: [{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }] };
    expect(translateDatabaseError(both, undefined, target)).toBeInstanceOf(ConnectionError);
  });

  it('pool bounds must be non-negative integers', () => {
    expect(() => new PgDriver('postgres://localhost/x', { statementTimeoutMs: -1 })).toThrow(
      InvalidQueryError,
    );
    expect(() => new PgDriver('postgres://localhost/x', { queryTimeoutMs: 1.5 })).toThrow(
      /queryTimeoutMs must be a non-negative integer/,
    );
  });

  it('defaults: 60 s statement and idle-in-transaction bounds, the query timeout 5 s later', () => {
    expect(new PgDriver('postgres://localhost/x').timeouts).toEqual({
      statementTimeoutMs: 60_000,
      queryTimeoutMs: 65_000,
      idleInTransactionTimeoutMs: 60_000,
      streamIdleTimeoutMs: 60_000,
    });
    expect(new PgDriver('postgres://localhost/x', { statementTimeoutMs: 0 }).timeouts).toEqual({
      statementTimeoutMs: 0,
      queryTimeoutMs: 0,
      idleInTransactionTimeoutMs: 60_000,
      streamIdleTimeoutMs: 60_000,
    });
  });
});

describeOnServer('pool time bounds', (url) => {
  let orm: Orm;

  beforeAll(async () => {
    orm = await Orm.connect({
      url: url(),
      name: 'timeouts',
      models: [],
      pool: { max: 1, statementTimeoutMs: 200 },
    });
  });

  afterAll(async () => {
    await orm?.close();
  });

  itOnSession(
    'sessions start with the configured bounds',
    'there the bounds are set in each transaction instead (test/faults/pgbouncer-driver.test.ts)',
    async () => {
      const [row] = await orm.query<Record<string, string>>(
        sql`select current_setting('statement_timeout') as statement,
                 current_setting('idle_in_transaction_session_timeout') as idle`,
      );
      expect(row).toEqual({ statement: '200ms', idle: '1min' });
    },
  );

  itOnSession(
    'a statement past the statement timeout is a QueryTimeoutError, and its connection is kept',
    'a statement outside a transaction has no session bound there, and no backend of its own',
    async () => {
      const [{ pid }] = await orm.query<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      const started = Date.now();
      const error = await orm.query(sql`select pg_sleep(3)`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(Date.now() - started).toBeLessThan(2_000);
      const [again] = await orm.query<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      expect(again!.pid).toBe(pid);
    },
  );
});

describeOnServer('the client-side query timeout', (url) => {
  let orm: Orm;
  const backendPid = async () =>
    (await orm.query<{ pid: number }>(sql`select pg_backend_pid() as pid`))[0]!.pid;

  beforeAll(async () => {
    orm = await Orm.connect({
      url: url(),
      name: 'query-timeout',
      models: [],
      // The server's own cancel is off: only the client's bound can end a statement here.
      pool: { max: 1, statementTimeoutMs: 0, queryTimeoutMs: 400 },
    });
  });

  afterAll(async () => {
    await orm?.close();
  });

  it('bounds each statement from when it is sent, however long the connection has been busy or idle', async () => {
    const pid = await backendPid();
    // Back to back, 1.2 s on one connection, each statement under the bound.
    for (let i = 0; i < 4; i++) await orm.query(sql`select pg_sleep(0.3)`);
    // Idle past the bound, then a statement under it.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await orm.query(sql`select pg_sleep(0.3)`);
    await orm.transaction(async () => {
      await orm.query(sql`select pg_sleep(0.3)`);
      await orm.query(sql`select pg_sleep(0.3)`);
    });
    expect(await backendPid()).toBe(pid);
  });

  itOnSession(
    'a statement with no answer within it fails with QueryTimeoutError naming the bound, and its connection is replaced',
    'a statement outside a transaction has no backend of its own there',
    async () => {
      const pid = await backendPid();
      await orm.query(sql`select pg_sleep(0.3)`);
      const started = Date.now();
      const error = await orm.query(sql`select pg_sleep(5)`).catch((e: unknown) => e);
      const waitedMs = Date.now() - started;
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect((error as QueryTimeoutError).message).toMatch(/query timeout of 400 ms/);
      expect(waitedMs).toBeGreaterThanOrEqual(390);
      expect(waitedMs).toBeLessThan(2_000);
      expect(await backendPid()).not.toBe(pid);
    },
  );
});

describe('a server that does not accept new connections', () => {
  // Takes connections and never answers them, like a stalled or overloaded server.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let driver: PgDriver;

  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    driver = new PgDriver(`postgres://app@127.0.0.1:${port}/app`, {
      max: 1,
      acquireTimeoutMs: 300,
    });
  });

  afterAll(async () => {
    await driver.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails a statement after the acquire timeout, naming the server, not the pool size', async () => {
    const started = Date.now();
    const [connecting, queued] = await Promise.all([
      driver.query('select 1', []).catch((e: unknown) => e),
      driver.query('select 1', []).catch((e: unknown) => e),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    for (const error of [connecting, queued]) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(
        /^PostgreSQL at 127\.0\.0\.1:\d+\/app did not accept a new connection within 300 ms/,
      );
      expect((error as Error).message).not.toMatch(/raise pool\.max/);
    }
  });
});

import { performance } from 'node:perf_hooks';
import type { Connection, Statement } from '../context/connection';
import type { Driver, DriverSession, QueryResult } from '../driver/driver';
import { PgDriver } from '../driver/pg-driver';
import { PgliteDriver } from '../driver/pglite-driver';
import { declaredTableClasses } from '../metadata/model-declarations';
import { resolveModelMeta, type ModelMeta } from '../metadata/model-meta';
import { clearIdentityMap } from '../model/identity-map';
import { installRelationAccessors } from '../associations/accessors';
import { clearBinding, setBinding } from '../model/connection-binding';
import type { Model, ModelClass } from '../model/model';
import { Repository } from '../model/repository';
import { addSubscriber, type ModelSubscriber } from '../model/subscribers';
import { compileStatement } from '../sql/query-compiler';
import type { SqlFragment } from '../sql/sql-fragment';
import {
  announceConnection,
  registerConnection,
  unregisterConnection,
} from '../transactions/connection-registry';
import type { TransactionOptions } from '../transactions/transaction-options';
import { TransactionRunner, transactionStateError } from '../transactions/transaction-runner';
import { rollbackTestTransaction, TestTransaction } from '../transactions/test-transaction';
import { openTransaction } from '../transactions/transaction-scope';
import { NPlusOneDetector } from './n-plus-one-detector';
import type { OrmOptions } from './orm-options';
import type { QueryEvent } from './query-event';
import { ReadRouting } from './replicas/read-routing';
import type { Replica } from './replicas/replica';
import type { ReplicaStatus } from './replicas/replica-status';
import { onPrimary, runsOnPrimary } from '../context/primary-scope';
import { parseWalPosition } from '../driver/wal-position';
import { InvalidQueryError } from '../errors/invalid-query-error';
import type { OpenTransaction } from '../transactions/transaction-scope';

/**
 * A database connection with its models bound: raw queries, transactions, repositories.
 * Injectable in Nest; `Orm.connect()` outside it.
 *
 * @example
 * const orm = await Orm.connect({ url: process.env.DATABASE_URL, models: [User] });
 * const rows = await orm.query(sql`select count(*) from users`);
 */
export class Orm implements Connection {
  readonly name: string;
  readonly batchFinds: boolean;
  private readonly listeners: Array<(event: QueryEvent) => void> = [];
  private readonly metas = new Map<object, ModelMeta>();
  private readonly repositories = new Map<object, Repository<never>>();
  private closed = false;
  /** Set when `replicas` are configured (a server only). */
  private routing?: ReadRouting;
  private readonly detector?: NPlusOneDetector;
  // After a rollback, records loaded in the request may no longer match their rows.
  private readonly transactions = new TransactionRunner(this, clearIdentityMap);

  private constructor(
    readonly driver: Driver,
    private readonly options: OrmOptions,
  ) {
    this.name = options.name ?? 'default';
    this.batchFinds = options.batchFinds ?? true;
    if (options.onQuery) this.listeners.push(options.onQuery);
    const detection = options.nPlusOne ?? (process.env.NODE_ENV === 'production' ? false : {});
    if (detection) {
      this.detector = new NPlusOneDetector(
        detection,
        options.onNPlusOne ?? ((report) => process.emitWarning(report.message, 'NPlusOneWarning')),
      );
    }
  }

  /**
   * Opens the connection (failing fast, naming host, port and database, when the server is
   * down) and binds the models so their statics use it.
   *
   * @param opening `{ announce: false }` when the caller prepares the connection further
   *   (migrations) and calls `announce()` itself once it is ready.
   */
  static async connect(
    options: OrmOptions = {},
    opening: { announce?: boolean } = {},
  ): Promise<Orm> {
    const driver =
      options.driver ??
      (options.url
        ? new PgDriver(options.url, options.pool)
        : new PgliteDriver({
            dataDir: options.dataDir,
            acquireTimeoutMs: options.pool?.acquireTimeoutMs,
          }));
    if (options.replicas !== undefined) ReadRouting.check(options, driver);
    const orm = new Orm(driver, options);
    // Resolve metadata before connecting, so a model mistake is reported without a database.
    orm.bindModels();
    try {
      await driver.connect();
      if (options.replicas?.length) {
        orm.routing = await ReadRouting.open(options, driver, (target, statement, replica) =>
          orm.send(target, statement, replica),
        );
      }
    } catch (error) {
      orm.unbindModels();
      await driver.close().catch(() => undefined);
      throw error;
    }
    registerConnection(orm);
    if (opening.announce !== false) await orm.announce();
    return orm;
  }

  /**
   * Tells those waiting for connections to open (the testing kit, which begins a test's
   * transaction on it) that this one is ready. `connect()` does it unless told not to.
   */
  async announce(): Promise<void> {
    try {
      await announceConnection(this);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The models bound to this connection. */
  get models(): ReadonlyArray<ModelClass> {
    return [...this.metas.keys()] as ModelClass[];
  }

  /**
   * The repository of a model on this connection. A model not bound yet (not listed in
   * `models`) is bound here, so `forFeature([Model])` is enough to use its statics.
   */
  repository<T extends Model>(model: ModelClass<T>): Repository<T> {
    if (!this.metas.has(model)) this.bind(model);
    return this.repositories.get(model) as unknown as Repository<T>;
  }

  /** Metadata of a bound model. */
  metaOf(model: object): ModelMeta | undefined {
    return this.metas.get(model);
  }

  /**
   * Runs a raw `sql` fragment; values are parameters. Resolves to the rows.
   *
   * @example
   * await orm.query<{ n: number }>(sql`select ${1}::int as n`);
   */
  async query<Row = Record<string, unknown>>(
    fragment: SqlFragment,
    options: { readOnly?: boolean } = {},
  ): Promise<Row[]> {
    const compiled = compileStatement(fragment);
    // Raw SQL may write: it goes to the primary unless its caller says it only reads.
    const { rows } = await this.execute<Row>(
      options.readOnly ? { ...compiled, reads: true } : compiled,
    );
    return rows;
  }

  /**
   * Runs `fn` with every statement it awaits sent to the primary, reads included (see the
   * `onPrimary` function, which this calls).
   *
   * @example
   * const fresh = await orm.onPrimary(() => Order.find(id));
   */
  onPrimary<T>(fn: () => T): T {
    return onPrimary(fn);
  }

  /**
   * The primary's WAL position (`X/Y`) after the last write of the current request context,
   * with read replicas configured: give it to a client, and pass it to `readAfter` on its next
   * request so that request reads its own write. Undefined without replicas or writes.
   */
  writePosition(): string | undefined {
    return this.routing?.writePosition();
  }

  /**
   * Reads of the current request context go to a replica only once it has replayed `position`
   * (`X/Y`, as `writePosition()` gave it). Without replicas, nothing to do.
   *
   * @throws InvalidQueryError when `position` is not a WAL position (it is never sent as SQL).
   */
  readAfter(position: string): void {
    const parsed = parseWalPosition(position);
    if (parsed === undefined) {
      throw new InvalidQueryError('readAfter() needs a WAL position like 16/B374D848');
    }
    this.routing?.readAfter(parsed);
  }

  /** Each read replica: in rotation or not (and why), and its lag. Empty without replicas. */
  replicaStatus(): ReplicaStatus[] {
    return this.routing?.status() ?? [];
  }

  /**
   * Registers a subscriber for the lifecycle events of these models (see `ModelSubscriber`).
   *
   * @example
   * orm.subscribe([User], { afterCreate: (user) => mailer.welcome(user) });
   */
  subscribe<T extends object>(
    models: ReadonlyArray<abstract new () => T>,
    subscriber: ModelSubscriber<T>,
  ): void {
    addSubscriber(this, models, subscriber as ModelSubscriber<never>);
  }

  /** Subscribes to statement events; returns the unsubscribe function. */
  onQuery(listener: (event: QueryEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  execute<Row = Record<string, unknown>>(statement: Statement): Promise<QueryResult<Row>> {
    const transaction = openTransaction(this);
    if (transaction?.finished) {
      return Promise.reject(
        transactionStateError(
          'was sent after its transaction ended (a promise inside the transaction was not awaited)',
          'A statement',
        ),
      );
    }
    if (this.detector) {
      try {
        this.detector.observe(statement);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const routing = this.routing;
    if (transaction) {
      if (routing && !statement.reads) routing.wrote(transaction);
      return this.executeOn(transaction.session, statement);
    }
    if (!routing) return this.executeOn(this.driver, statement);
    return statement.reads && !runsOnPrimary() ? routing.read(statement) : routing.write(statement);
  }

  executeOn<Row = Record<string, unknown>>(
    target: DriverSession | Driver,
    statement: Statement,
  ): Promise<QueryResult<Row>> {
    return this.send(target, statement);
  }

  /** Called by the transaction runner after COMMIT, on the committed session. */
  async committed(session: DriverSession, transaction: OpenTransaction): Promise<void> {
    await this.routing?.committed(session, transaction);
  }

  /**
   * Sends on `target`; with listeners, one query event when the statement settles (naming
   * `replica` when it answered). The driver's own promise, and `then` for the event rather than
   * async functions, which would add promise hops to every statement. A listener that throws
   * fails the caller's statement with its error (the statement itself is not reported failed).
   */
  private send<Row>(
    target: DriverSession | Driver,
    statement: Statement,
    replica?: Replica,
  ): Promise<QueryResult<Row>> {
    const observed = this.listeners.length > 0;
    const started = observed ? performance.now() : 0;
    let sent: Promise<QueryResult<Row>>;
    try {
      sent = target.query<Row>(
        statement.text,
        statement.values,
        statement.onRow || statement.arrays ? statement : undefined,
      );
    } catch (error) {
      // A driver of the application's that throws still fails the promise, not the caller.
      sent = Promise.reject(error as Error);
    }
    if (!observed) return sent;
    return sent.then(
      (result) => {
        this.emit(statement, started, result.rowCount, replica);
        return result;
      },
      (error: unknown) => {
        this.emit(statement, started, 0, replica, error as Error);
        throw error;
      },
    );
  }

  get detectsNPlusOne(): boolean {
    return this.detector !== undefined;
  }

  currentSession(): DriverSession | undefined {
    return openTransaction(this)?.session;
  }

  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. Everything
   * awaited inside — statics, repositories — uses the transaction; by default nested calls join
   * it (see `TransactionOptions` for isolation, propagation, read-only, retries and timeout).
   *
   * @example
   * await orm.transaction(async () => { await from.update({ balance }); await to.update({ balance }); });
   * await orm.transaction({ isolation: 'serializable', retries: 5 }, () => transfer(a, b, 10));
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  transaction<T>(options: TransactionOptions, fn: () => Promise<T>): Promise<T>;
  transaction<T>(
    optionsOrFn: TransactionOptions | (() => Promise<T>),
    maybeFn?: () => Promise<T>,
  ): Promise<T> {
    const [options, fn] =
      typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn!];
    // Propagation, BEGIN, COMMIT or ROLLBACK, retries: lib/transactions/transaction-runner.ts.
    return this.transactions.transaction(options, fn);
  }

  afterCommit(fn: () => unknown, onRollback?: () => unknown): Promise<void> {
    return this.transactions.afterCommit(fn, onRollback);
  }

  /**
   * Begins a test's transaction: until its `rollback()`, every statement on this connection —
   * from any async scope, HTTP requests included — runs in it, and transactions of the code
   * under test become savepoints (see lib/transactions/test-transaction.ts). The testing kit
   * (`nestjs-active-record/testing`) calls this around each test.
   */
  beginTestTransaction(): Promise<TestTransaction> {
    return TestTransaction.begin(this, clearIdentityMap);
  }

  /** Closes the pool (or the embedded database) and unbinds the models. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A test's transaction holds a session the pool would wait for.
    await rollbackTestTransaction(this);
    unregisterConnection(this);
    this.unbindModels();
    await this.routing?.close();
    await this.driver.close();
  }

  private emit(
    statement: Statement,
    started: number,
    rowCount: number,
    replica: Replica | undefined,
    error?: Error,
  ): void {
    const event: { -readonly [K in keyof QueryEvent]: QueryEvent[K] } = {
      text: statement.text,
      durationMs: performance.now() - started,
      rowCount,
      connection: this.name,
      target: replica ? 'replica' : 'primary',
      server: replica ? replica.target : this.driver.target,
    };
    // Assigned rather than spread in: spreading makes and copies an object per statement.
    if (this.options.logValues) event.values = statement.values;
    if (error) event.error = error;
    for (const listener of this.listeners) listener(event);
  }

  private bindModels(): void {
    for (const model of this.options.models ?? declaredTableClasses()) this.bind(model);
    // Resolve every relation now, so a wrong key or target fails at start-up, not mid-request.
    for (const meta of [...this.metas.values()]) {
      for (const name of meta.relationNames) meta.relation(name);
    }
  }

  private bind(model: abstract new () => object): void {
    const meta = resolveModelMeta(model, this.options.naming);
    meta.linkRelations((related) => {
      if (!this.metas.has(related)) this.bind(related);
      return this.metas.get(related)!;
    });
    installRelationAccessors(meta);
    const repository = new Repository(
      model as ModelClass,
      meta,
      this,
    ) as unknown as Repository<never>;
    this.metas.set(model, meta);
    this.repositories.set(model, repository);
    setBinding(model, { meta, connection: this, repository });
  }

  private unbindModels(): void {
    for (const model of this.metas.keys()) clearBinding(model, this);
  }
}

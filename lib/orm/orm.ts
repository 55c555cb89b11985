import { performance } from 'node:perf_hooks';
import type { Connection, Statement } from '../context/connection';
import {
  beginStatement,
  checkTransactionOptions,
  retryDelay,
  type TransactionOptions,
} from '../context/transaction-options';
import { FailureTrackingSession, type FailedStatement } from '../context/failure-tracking-session';
import {
  openTransaction,
  runWithoutTransaction,
  runWithTransaction,
  undoWrites,
  type OpenTransaction,
} from '../context/transaction-scope';
import { ConnectionError } from '../errors/connection-error';
import { TransactionError } from '../errors/database-errors';
import { QueryTimeoutError } from '../errors/query-timeout-error';
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
import { registerConnection, unregisterConnection } from './connection-registry';
import { NPlusOneDetector } from './n-plus-one-detector';
import type { OrmOptions } from './orm-options';
import type { QueryEvent } from './query-event';

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
  private readonly listeners: Array<(event: QueryEvent) => void> = [];
  private readonly metas = new Map<object, ModelMeta>();
  private readonly repositories = new Map<object, Repository<never>>();
  private closed = false;
  private readonly detector?: NPlusOneDetector;

  private constructor(
    readonly driver: Driver,
    private readonly options: OrmOptions,
  ) {
    this.name = options.name ?? 'default';
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
   */
  static async connect(options: OrmOptions = {}): Promise<Orm> {
    const driver =
      options.driver ??
      (options.url
        ? new PgDriver(options.url, options.pool)
        : new PgliteDriver({
            dataDir: options.dataDir,
            acquireTimeoutMs: options.pool?.acquireTimeoutMs,
          }));
    const orm = new Orm(driver, options);
    // Resolve metadata before connecting, so a model mistake is reported without a database.
    orm.bindModels();
    try {
      await driver.connect();
    } catch (error) {
      orm.unbindModels();
      await driver.close().catch(() => undefined);
      throw error;
    }
    registerConnection(orm);
    return orm;
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
  async query<Row = Record<string, unknown>>(fragment: SqlFragment): Promise<Row[]> {
    const { rows } = await this.execute<Row>(compileStatement(fragment));
    return rows;
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
    return this.executeOn(transaction?.session ?? this.driver, statement);
  }

  async executeOn<Row = Record<string, unknown>>(
    target: DriverSession | Driver,
    statement: Statement,
  ): Promise<QueryResult<Row>> {
    if (this.listeners.length === 0) return target.query<Row>(statement.text, statement.values);
    const started = performance.now();
    try {
      const result = await target.query<Row>(statement.text, statement.values);
      this.emit(statement, started, result.rowCount);
      return result;
    } catch (error) {
      this.emit(statement, started, 0, error as Error);
      throw error;
    }
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
  async transaction<T>(
    optionsOrFn: TransactionOptions | (() => Promise<T>),
    maybeFn?: () => Promise<T>,
  ): Promise<T> {
    const [options, fn] =
      typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn!];
    checkTransactionOptions(options);
    const open = openTransaction(this);
    switch (options.propagation ?? 'required') {
      case 'required':
        return open ? fn() : this.runNewTransaction(options, fn);
      case 'requiresNew':
        if (open && this.driver.singleSession) {
          throw transactionStateError(
            'cannot open a second transaction (propagation: requiresNew) while one is open: ' +
              'embedded PostgreSQL has a single connection, so it would wait for itself',
          );
        }
        return this.runNewTransaction(options, fn);
      case 'nested':
        return open ? this.runSavepoint(open, fn) : this.runNewTransaction(options, fn);
      case 'supports':
        return fn();
      case 'mandatory':
        if (!open) throw transactionStateError('needs a transaction (propagation: mandatory)');
        return fn();
      case 'never':
        if (open) throw transactionStateError('must not run in a transaction (propagation: never)');
        return runWithoutTransaction(this, fn);
    }
  }

  /** A new transaction, re-run on serialization failures and deadlocks up to `retries`. */
  private async runNewTransaction<T>(
    options: TransactionOptions,
    fn: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runTransactionOnce(options, fn);
      } catch (error) {
        const retryable = error instanceof TransactionError && error.retryable;
        if (!retryable || attempt >= (options.retries ?? 0)) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt)));
      }
    }
  }

  private async runTransactionOnce<T>(
    options: TransactionOptions,
    fn: () => Promise<T>,
  ): Promise<T> {
    const session = new FailureTrackingSession(await this.acquireSession());
    const transaction: OpenTransaction = {
      session,
      finished: false,
      savepoints: 0,
      afterCommit: [],
      afterRollback: [],
      undo: [],
    };
    let healthy = true;
    let result: T;
    try {
      await this.executeOn(session, { text: beginStatement(options), values: [] });
      if (options.timeout) {
        // Checked integer: the server cancels any statement still running at the deadline.
        await this.executeOn(session, {
          text: `SET LOCAL statement_timeout = ${options.timeout}`,
          values: [],
        });
      }
      const work = runWithTransaction(this, transaction, fn);
      result = await (options.timeout ? withDeadline(work, options.timeout) : work);
      transaction.finished = true;
      // PostgreSQL would answer this COMMIT with a ROLLBACK: say so instead of resolving.
      if (session.failure) throw notCommitted(session.failure);
      await this.executeOn(session, { text: 'COMMIT', values: [] });
    } catch (error) {
      transaction.finished = true;
      if (error instanceof TransactionDeadlineError && !this.driver.singleSession) {
        // A statement may still hang on this connection (a stalled backend): a ROLLBACK would
        // queue behind it. Closing the connection ends the transaction on the server instead.
        healthy = false;
      } else {
        await this.executeOn(session, { text: 'ROLLBACK', values: [] }).catch(() => {
          healthy = false;
        });
      }
      session.release(!healthy);
      // Records written inside are as they were before; loaded ones may no longer match rows.
      undoWrites(transaction.undo);
      clearIdentityMap();
      await runCallbacks(transaction.afterRollback, 'after rollback');
      throw error;
    }
    session.release();
    await runCallbacks(transaction.afterCommit, 'after commit');
    return result;
  }

  /**
   * A session for a new transaction. Waiting for one while this scope already holds another in
   * an open transaction is how a pool deadlocks (every connection held, each holder waiting for
   * one more): when the wait times out, the error says so.
   */
  private async acquireSession(): Promise<DriverSession> {
    try {
      return await this.driver.acquire();
    } catch (error) {
      if (error instanceof ConnectionError && openTransaction(this)) {
        throw new ConnectionError(
          `${error.message}. This code holds a connection in an open transaction and waited for a ` +
            `second one (propagation: requiresNew); when every pooled connection is held that way, ` +
            `none is ever released. Join the open transaction (required or nested), or raise pool.max`,
          error.target,
        );
      }
      throw error;
    }
  }

  /** `nested` inside an open transaction: a savepoint, rolled back alone when `fn` throws. */
  private async runSavepoint<T>(transaction: OpenTransaction, fn: () => Promise<T>): Promise<T> {
    const name = `sp_${++transaction.savepoints}`;
    const commits = transaction.afterCommit.length;
    const rollbacks = transaction.afterRollback.length;
    const undos = transaction.undo.length;
    const failureBefore = transaction.session.failure;
    await this.executeOn(transaction.session, { text: `SAVEPOINT ${name}`, values: [] });
    try {
      const result = await fn();
      await this.executeOn(transaction.session, { text: `RELEASE SAVEPOINT ${name}`, values: [] });
      return result;
    } catch (error) {
      await this.executeOn(transaction.session, {
        text: `ROLLBACK TO SAVEPOINT ${name}`,
        values: [],
      });
      // The savepoint undid what failed after it: the transaction can commit again.
      transaction.session.failure = failureBefore;
      undoWrites(transaction.undo.splice(undos));
      // Work undone with the savepoint commits nothing: its callbacks go, its rollback ones run.
      transaction.afterCommit.splice(commits);
      await runCallbacks(transaction.afterRollback.splice(rollbacks), 'after rollback');
      throw error;
    }
  }

  async afterCommit(fn: () => unknown, onRollback?: () => unknown): Promise<void> {
    const transaction = openTransaction(this);
    if (!transaction) {
      await runCallbacks([fn], 'after commit');
      return;
    }
    transaction.afterCommit.push(fn);
    if (onRollback) transaction.afterRollback.push(onRollback);
  }

  /** Closes the pool (or the embedded database) and unbinds the models. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    unregisterConnection(this);
    this.unbindModels();
    await this.driver.close();
  }

  private emit(statement: Statement, started: number, rowCount: number, error?: Error): void {
    const event: QueryEvent = {
      text: statement.text,
      durationMs: performance.now() - started,
      rowCount,
      connection: this.name,
      ...(this.options.logValues ? { values: statement.values } : {}),
      ...(error ? { error } : {}),
    };
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

/** The error of a transaction that cannot commit because a statement in it failed. */
function notCommitted(failure: FailedStatement): TransactionError {
  const statement = failure.text.length > 200 ? `${failure.text.slice(0, 200)}…` : failure.text;
  return new TransactionError(
    `The transaction was rolled back, not committed: a statement in it failed (${failure.error.message}) ` +
      `and PostgreSQL keeps nothing of a transaction after a failed statement. The statement: ${statement}. ` +
      `To go on after a failure, run the statement in a nested transaction (a savepoint)`,
    { sqlState: '25P02', sql: failure.text },
    false,
  );
}

/**
 * Runs commit/rollback callbacks one after the other. The transaction is over, so a failure
 * cannot undo it: it is reported as a warning and the remaining callbacks still run.
 */
async function runCallbacks(callbacks: ReadonlyArray<() => unknown>, when: string): Promise<void> {
  for (const callback of callbacks) {
    try {
      await callback();
    } catch (error) {
      process.emitWarning(
        `A callback ${when} failed: ${(error as Error)?.message ?? String(error)}`,
        'TransactionCallbackWarning',
      );
    }
  }
}

function transactionStateError(problem: string, subject = 'This call'): TransactionError {
  return new TransactionError(`${subject} ${problem}`, { sqlState: '25000' }, false);
}

/** Rejects when `work` takes longer than `ms`; the transaction then rolls back. */
/** The transaction's own deadline passed (not a statement timeout the server reported). */
class TransactionDeadlineError extends QueryTimeoutError {}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TransactionDeadlineError(
            `The transaction took longer than its timeout of ${ms} ms and was rolled back`,
            { sqlState: '57014' },
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

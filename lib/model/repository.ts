import type { Connection } from '../context/connection';
import type { TransactionOptions } from '../transactions/transaction-options';
import { ConstraintViolationError } from '../errors/database-errors';
import { OrmError } from '../errors/orm-error';
import { RecordNotFoundError } from '../errors/record-not-found-error';
import type { ModelMeta } from '../metadata/model-meta';
import type { AttributeKeys, AttributesInput } from '../query/attribute-types';
import type { IncludeInput, Query } from '../query/query';
import { createQuery } from '../query/model-query';
import { findRecordByKey } from '../query/find-batcher';
import { queryState, type QueryState } from '../query/query-state';
import type { QuerySource } from '../query/query-source';
import { checkedKey } from '../metadata/checked-key';
import type { OrderInput, WhereInput } from '../query/where-input';
import type { RelationKeys, RelationTarget } from '../query/relation-types';
import type { SqlFragment } from '../sql/sql-fragment';
import { buildAssociated } from '../associations/building';
import { addToAssociation, removeFromAssociation } from '../associations/collection-writes';
import { countAssociation } from '../associations/counting';
import { destroyDependents, hasDependents } from '../associations/dependents';
import { loadAssociation } from '../associations/loading';
import { copyParentKeys, hasUnsavedParent, saveAssignedParents } from '../associations/parents';
import { applyDefaults, assignAttributes } from './attribute-assignment';
import { hydrateFullRows } from './full-rows';
import { hydrateRecords } from './hydrator';
import { newRecordFactoryOf } from './record-allocation';
import { mappedRecord, mapRecord, mapsRecords, remapRecord, unmapRecord } from './identity-map';
import {
  bulkInsertStatement,
  runBulkInsert,
  type InsertAllOptions,
  type UpsertAllOptions,
} from './insert-all';
import {
  destroyWithLifecycle,
  hasSaveLifecycle,
  saveWithLifecycle,
  validateWithHooks,
} from './lifecycle';
// Mutual recursion: `Model` delegates to `Repository`, and `Repository<T extends Model>` is typed
// by the models it serves. Both imports are type-only: nothing runs in a cycle.
import type { Model, ModelClass, PrimaryKeyOf } from './model';
import { querySource } from './model-query-source';
import {
  deleteRecord,
  findByPrimaryKeyText,
  loadedKeyHash,
  persistRecord,
  reloadRecord,
} from './record-persister';
import { stateOf } from './record-state';
import { subscribersOf } from './subscribers';

/** Options of `save()`. */
export interface SaveOptions {
  /** Run validation hooks and rules first (default true). */
  validate?: boolean;
}

/**
 * The reads and writes of one model on one connection. Injected in Nest with
 * `@InjectRepository(User)`; the model's statics (`User.where`) use the same code.
 *
 * @example
 * constructor(@InjectRepository(User) private readonly users: Repository<User>) {}
 * active() { return this.users.where({ active: true }).order({ name: 'asc' }); }
 */
export class Repository<T extends Model> {
  private readonly source: QuerySource<T>;
  /** The N+1 report's advice for `find` in a loop. */
  private readonly findOrigin: string;
  /** The query `find` joins a batch with: every record, with the report's origin. */
  private readonly findState: QueryState;
  /** Whether `find` must go through the model's scopes (soft delete, default scope). */
  private readonly scopedFind: boolean;

  constructor(
    readonly model: ModelClass<T>,
    readonly meta: ModelMeta,
    readonly connection: Connection,
  ) {
    this.source = querySource<T>(meta, connection);
    this.scopedFind =
      meta.deletedAt !== undefined ||
      typeof (model as unknown as { defaultScope?: unknown }).defaultScope === 'function';
    this.findOrigin = meta.key.composite
      ? `${meta.className}.find() is called in a loop: fetch the records at once with one query (e.g. ${meta.className}.where({ ${meta.key.properties[0]}: … }))`
      : `${meta.className}.find() is called in a loop: fetch the records at once with ${meta.className}.where({ ${meta.key.properties[0]}: ids })`;
    this.findState = queryState({ origin: this.findOrigin });
  }

  /** A new, unsaved record with defaults applied and `attributes` assigned (checked). */
  build(attributes?: AttributesInput<T>): T {
    const record = newRecordFactoryOf(this.meta)() as T;
    stateOf(record).connection = this.connection;
    applyDefaults(this.meta, record);
    assignAttributes(this.meta, record, attributes);
    return record;
  }

  /** Builds and saves; resolves to the saved record. */
  async create(attributes?: AttributesInput<T>): Promise<T> {
    const record = this.build(attributes);
    await this.save(record);
    return record;
  }

  /**
   * The record with this primary key; throws RecordNotFoundError when there is none. A
   * composite key is given as an object of its properties: `find({ tenantId: 1, id: 7 })`.
   */
  async find(id: PrimaryKeyOf<T>): Promise<T> {
    const { key } = this.meta;
    const values = checkedKey(this.meta, id);
    if (!this.scopedFind) {
      // Already loaded in this request: the same object, without a query.
      const mapped = mappedRecord(this.meta, values);
      if (mapped) return mapped as T;
    }
    if (this.scopedFind) {
      // Soft delete or a default scope: the key alone does not say whether the row is visible.
      const where = Object.fromEntries(key.properties.map((p, i) => [p, values[i]]));
      const found = await this.all().findBy(where as never);
      if (found) return found;
      throw new RecordNotFoundError(this.meta.className, key.describe(values));
    }
    // Concurrent finds in one tick share a statement; a find alone sends its own.
    const found = await findRecordByKey(this.source, values, this.findState, (issuedAt) =>
      this.findOne(values, issuedAt),
    );
    if (!found) throw new RecordNotFoundError(this.meta.className, key.describe(values));
    return found;
  }

  /** The record with these key values, by the model's cached statement, or null. */
  private async findOne(values: readonly unknown[], issuedAt?: Error): Promise<T | null> {
    const result = await this.connection.execute<unknown>({
      text: findByPrimaryKeyText(this.meta),
      values,
      reads: true,
      origin: this.findOrigin,
      issuedAt,
      arrays: true,
    });
    return result.rows.length ? hydrateFullRows<T>(this.meta, result, this.connection)[0]! : null;
  }

  /** The first record matching `input`, or null. */
  findBy(input: WhereInput<T>): Promise<T | null> {
    return this.all().findBy(input);
  }

  /** A query of every record. */
  all(): Query<T> {
    return createQuery<T>(this.source);
  }

  where(input: WhereInput<T> | SqlFragment): Query<T> {
    return this.all().where(input);
  }

  whereNot(input: WhereInput<T> | SqlFragment): Query<T> {
    return this.all().whereNot(input);
  }

  order(...inputs: Array<OrderInput<T> | SqlFragment>): Query<T> {
    return this.all().order(...inputs);
  }

  count(input?: WhereInput<T>): Promise<number> {
    return (input ? this.where(input) : this.all()).count();
  }

  exists(input?: WhereInput<T>): Promise<boolean> {
    return (input ? this.where(input) : this.all()).exists();
  }

  /** Inserts many rows in one statement (no hooks, no validation); resolves to the records. */
  async insertAll(
    rows: readonly AttributesInput<T>[],
    options: InsertAllOptions = {},
  ): Promise<T[]> {
    const statement = bulkInsertStatement(this.meta, rows, { ...options, upsert: false });
    return this.hydrateInserted(await runBulkInsert(this.connection, statement), options);
  }

  /**
   * Inserts many rows in one statement, updating those that conflict on `conflict`.
   *
   * @example
   * await users.upsertAll(rows, { conflict: ['email'] });
   */
  async upsertAll(
    rows: readonly AttributesInput<T>[],
    options: UpsertAllOptions<AttributeKeys<T>>,
  ): Promise<T[]> {
    const statement = bulkInsertStatement(this.meta, rows, { ...options, upsert: true });
    return this.hydrateInserted(await runBulkInsert(this.connection, statement), options);
  }

  /**
   * Inserts a new record or updates the changed columns of a persisted one, with validation
   * and hooks. Assigned parents (`post.author = newUser`) that are new are saved first.
   */
  async save(record: T, options: SaveOptions = {}): Promise<T> {
    const connection = this.connectionOf(record);
    const subscribers = subscribersOf(connection, this.model);
    if (hasSaveLifecycle(this.meta, subscribers)) {
      await saveWithLifecycle(this.meta, record, connection, subscribers, options, () =>
        this.write(record, connection),
      );
    } else {
      await this.write(record, connection);
    }
    return record;
  }

  /** Runs the model's validation hooks and rules without saving; throws ValidationError. */
  async validate(record: T): Promise<void> {
    const connection = this.connectionOf(record);
    await validateWithHooks(this.meta, record, subscribersOf(connection, this.model));
  }

  /**
   * Destroys the record: with `@DeletedAt()`, stamps it (soft delete) unless `force`; else
   * deletes the row. Relations' `dependent` options and destroy hooks share one transaction.
   */
  async destroy(record: T, options: { force?: boolean } = {}): Promise<void> {
    const connection = this.connectionOf(record);
    const state = stateOf(record);
    const soft = this.meta.deletedAt !== undefined && !options.force;
    const remove = async () => {
      if (hasDependents(this.meta)) await destroyDependents(this.meta, record, connection);
      if (soft) {
        (record as Record<string, unknown>)[this.meta.deletedAt!.property] = new Date();
        await persistRecord(this.meta, record, state, connection);
      } else {
        await deleteRecord(this.meta, record, state, connection);
        unmapRecord(this.meta, record);
      }
    };
    const subscribers = subscribersOf(connection, this.model);
    if (this.meta.hooks.size || subscribers.length) {
      await destroyWithLifecycle(this.meta, record, connection, subscribers, remove);
    } else if (hasDependents(this.meta)) {
      await connection.transaction(remove);
    } else {
      await remove();
    }
  }

  /** Un-deletes a soft-deleted record (its `@DeletedAt()` set back to null). */
  async restore(record: T): Promise<T> {
    const deletedAt = this.meta.deletedAt;
    if (!deletedAt) {
      throw new OrmError(
        'NOT_SOFT_DELETABLE',
        `${this.meta.className} has no @DeletedAt() column: there is nothing to restore`,
      );
    }
    (record as Record<string, unknown>)[deletedAt.property] = null;
    return this.save(record, { validate: false });
  }

  /**
   * INSERT or UPDATE, saving new assigned parents first; a constraint violation is told which
   * fields it is about.
   */
  private async write(record: T, connection: Connection): Promise<void> {
    try {
      if (this.meta.relationNames.length && hasUnsavedParent(this.meta, record)) {
        await connection.transaction(async () => {
          await saveAssignedParents(this.meta, record);
          await persistRecord(this.meta, record, stateOf(record), connection);
        });
        return;
      }
      if (this.meta.relationNames.length) copyParentKeys(this.meta, record);
      const state = stateOf(record);
      const inserting = !state.persisted;
      // The key the record is mapped under, should the update change it.
      const mappedKey =
        inserting || !mapsRecords() ? undefined : loadedKeyHash(this.meta, record, state);
      await persistRecord(this.meta, record, state, connection);
      if (inserting) mapRecord(this.meta, record);
      else remapRecord(this.meta, record, mappedKey);
    } catch (error) {
      if (error instanceof ConstraintViolationError) {
        error.model = this.meta.className;
        error.fields = error.columns.map((c) => this.meta.columnByName(c)?.property ?? c);
      }
      throw error;
    }
  }

  /** A query of every record with these relations loaded: see `Query.include`. */
  include(...inputs: IncludeInput<T>[]): Query<T> {
    return this.all().include(...inputs);
  }

  /** A query of every record with these relations' rows counted: see `Query.withCount`. */
  withCount(...relations: RelationKeys<T>[]): Query<T> {
    return this.all().withCount(...relations);
  }

  /** Loads a relation of `record` (for all its siblings at once) and resolves to it. */
  load<K extends RelationKeys<T>>(record: T, relation: K): Promise<T[K]> {
    return loadAssociation(this.meta, record, relation, this.recordSource) as Promise<T[K]>;
  }

  /** Counts a collection's rows without loading them (for all siblings at once). */
  countOf(record: T, relation: RelationKeys<T>): Promise<number> {
    return countAssociation(this.sourceOf(record), record, relation);
  }

  /** Builds a related record whose key refers to `record` (not saved). */
  buildRelated<K extends RelationKeys<T>>(
    record: T,
    relation: K,
    attributes?: AttributesInput<RelationTarget<T[K]>>,
  ): RelationTarget<T[K]> {
    return buildAssociated(this.meta, record, relation, attributes) as RelationTarget<T[K]>;
  }

  /** Links records to `record` through a hasMany or manyToMany relation. */
  addTo<K extends RelationKeys<T>>(
    record: T,
    relation: K,
    items: RelationTarget<T[K]>[],
  ): Promise<void> {
    return addToAssociation(this.sourceOf(record), record, relation, items as object[]);
  }

  /** Unlinks records from `record`. */
  removeFrom<K extends RelationKeys<T>>(
    record: T,
    relation: K,
    items: RelationTarget<T[K]>[],
  ): Promise<void> {
    return removeFromAssociation(this.sourceOf(record), record, relation, items as object[]);
  }

  async reload(record: T): Promise<T> {
    await reloadRecord(this.meta, record, stateOf(record), this.connectionOf(record));
    return record;
  }

  /** Runs `fn` in a transaction on this repository's connection (see `Orm.transaction`). */
  transaction<R>(fn: () => Promise<R>): Promise<R>;
  transaction<R>(options: TransactionOptions, fn: () => Promise<R>): Promise<R>;
  transaction<R>(
    optionsOrFn: TransactionOptions | (() => Promise<R>),
    fn?: () => Promise<R>,
  ): Promise<R> {
    return typeof optionsOrFn === 'function'
      ? this.connection.transaction(optionsOrFn)
      : this.connection.transaction(optionsOrFn, fn!);
  }

  private sourceOf(record: T): QuerySource<object> {
    return querySource(this.meta, this.connectionOf(record));
  }

  /** `sourceOf`, made once: `load()` passes it for each call. */
  private readonly recordSource = (record: object) => this.sourceOf(record as T);

  private connectionOf(record: T): Connection {
    return stateOf(record).connection ?? this.connection;
  }

  private hydrateInserted(rows: Record<string, unknown>[], options: InsertAllOptions): T[] {
    return options.returning === false
      ? []
      : hydrateRecords<T>(this.meta, rows, this.connection, false);
  }
}

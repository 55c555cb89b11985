import type { TransactionOptions } from '../transactions/transaction-options';
import { ValidationError } from '../errors/lifecycle-errors';
import type { AttributeKeys, AttributesInput } from '../query/attribute-types';
import type { IncludeInput, Query } from '../query/query';
import type { OrderInput, WhereInput } from '../query/where-input';
import type { RelationKeys, RelationTarget } from '../query/relation-types';
import type { SqlFragment } from '../sql/sql-fragment';
import { assignAttributes } from './attribute-assignment';
import { bindingOf } from './connection-binding';
import type { InsertAllOptions, UpsertAllOptions } from './insert-all';
import {
  changesOf,
  previousChangesOf,
  RecordWithState,
  restoreSnapshot,
  isPersistedRecord,
  stateOf,
} from './record-state';
// Mutual recursion: `Model` delegates to `Repository`, and `Repository<T extends Model>` is typed
// by the models it serves. Both imports are type-only: nothing runs in a cycle.
import type { Repository, SaveOptions } from './repository';
import type { PrimaryKeyOf } from '../query/primary-key-type';
import { serializeRecord, type SerializeOptions } from './serializer';

/** A concrete model class: what `User` is, as a value. */
export type ModelClass<T extends Model = Model> = (new () => T) & { readonly name: string };

export type { PrimaryKeyOf } from '../query/primary-key-type';

function repositoryOf<T extends Model>(modelClass: ModelClass<T>): Repository<T> {
  return bindingOf(modelClass).repository as unknown as Repository<T>;
}

/**
 * The base class of Active Record models: statics query and create, instances save
 * themselves. The class stays thin; the work is done by the repository and persister.
 *
 * @example
 * @Table() export class User extends Model { @PrimaryKey() id!: number; @Column() name!: string; }
 * const ada = await User.create({ name: 'Ada' });
 */
export abstract class Model extends RecordWithState {
  /** A new, unsaved record; input keys and value types are checked. */
  static build<T extends Model>(this: ModelClass<T>, attributes?: AttributesInput<T>): T {
    return repositoryOf(this).build(attributes);
  }

  static create<T extends Model>(this: ModelClass<T>, attributes?: AttributesInput<T>): Promise<T> {
    return repositoryOf(this).create(attributes);
  }

  /**
   * By primary key: `find(7)`, or `find({ tenantId: 1, id: 7 })` for a composite key; throws
   * RecordNotFoundError.
   */
  static find<T extends Model>(this: ModelClass<T>, id: PrimaryKeyOf<T>): Promise<T> {
    return repositoryOf(this).find(id);
  }

  static findBy<T extends Model>(this: ModelClass<T>, input: WhereInput<T>): Promise<T | null> {
    return repositoryOf(this).findBy(input);
  }

  static all<T extends Model>(this: ModelClass<T>): Query<T> {
    return repositoryOf(this).all();
  }

  static where<T extends Model>(this: ModelClass<T>, input: WhereInput<T> | SqlFragment): Query<T> {
    return repositoryOf(this).where(input);
  }

  static whereNot<T extends Model>(
    this: ModelClass<T>,
    input: WhereInput<T> | SqlFragment,
  ): Query<T> {
    return repositoryOf(this).whereNot(input);
  }

  /** A query that includes soft-deleted records. */
  static withDeleted<T extends Model>(this: ModelClass<T>): Query<T> {
    return repositoryOf(this).all().withDeleted();
  }

  /** A query of soft-deleted records only. */
  static onlyDeleted<T extends Model>(this: ModelClass<T>): Query<T> {
    return repositoryOf(this).all().onlyDeleted();
  }

  /** A query without the default scope and the soft-delete filter. */
  static unscoped<T extends Model>(this: ModelClass<T>): Query<T> {
    return repositoryOf(this).all().unscoped();
  }

  /** The first record by primary key, or null. */
  static first<T extends Model>(this: ModelClass<T>): Promise<T | null> {
    return repositoryOf(this).all().first();
  }

  /** The last record by primary key, or null. */
  static last<T extends Model>(this: ModelClass<T>): Promise<T | null> {
    return repositoryOf(this).all().last();
  }

  /** A query of every record with relations loaded: `Post.include('author', 'comments.author')`. */
  static include<T extends Model>(this: ModelClass<T>, ...inputs: IncludeInput<T>[]): Query<T> {
    return repositoryOf(this).include(...inputs);
  }

  /** A query of every record with related rows counted: `Post.withCount('comments')`. */
  static withCount<T extends Model>(
    this: ModelClass<T>,
    ...relations: RelationKeys<T>[]
  ): Query<T> {
    return repositoryOf(this)
      .all()
      .withCount(...relations);
  }

  static order<T extends Model>(
    this: ModelClass<T>,
    ...inputs: Array<OrderInput<T> | SqlFragment>
  ): Query<T> {
    return repositoryOf(this).order(...inputs);
  }

  static count<T extends Model>(this: ModelClass<T>, input?: WhereInput<T>): Promise<number> {
    return repositoryOf(this).count(input);
  }

  static exists<T extends Model>(this: ModelClass<T>, input?: WhereInput<T>): Promise<boolean> {
    return repositoryOf(this).exists(input);
  }

  /** Many rows in one INSERT (arrays bound through unnest); no hooks. */
  static insertAll<T extends Model>(
    this: ModelClass<T>,
    rows: readonly AttributesInput<T>[],
    options?: InsertAllOptions,
  ): Promise<T[]> {
    return repositoryOf(this).insertAll(rows, options);
  }

  /** Many rows in one INSERT … ON CONFLICT DO UPDATE. */
  static upsertAll<T extends Model>(
    this: ModelClass<T>,
    rows: readonly AttributesInput<T>[],
    options: UpsertAllOptions<AttributeKeys<T>>,
  ): Promise<T[]> {
    return repositoryOf(this).upsertAll(rows, options);
  }

  /** Runs `fn` in a transaction on the model's connection. */
  static transaction<R>(this: ModelClass, fn: () => Promise<R>): Promise<R>;
  static transaction<R>(
    this: ModelClass,
    options: TransactionOptions,
    fn: () => Promise<R>,
  ): Promise<R>;
  static transaction<R>(
    this: ModelClass,
    optionsOrFn: TransactionOptions | (() => Promise<R>),
    fn?: () => Promise<R>,
  ): Promise<R> {
    return typeof optionsOrFn === 'function'
      ? repositoryOf(this).transaction(optionsOrFn)
      : repositoryOf(this).transaction(optionsOrFn, fn!);
  }

  /** True until the record is first saved. */
  get isNew(): boolean {
    return !isPersistedRecord(this) && !stateOf(this).destroyed;
  }

  /** True when the record has a row (saved and not destroyed). */
  get isPersisted(): boolean {
    return isPersistedRecord(this);
  }

  /** Unsaved changes: `{ field: [before, after] }`. */
  get changes(): Partial<Record<AttributeKeys<this>, [unknown, unknown]>> {
    const meta = bindingOf(this.constructor).meta;
    return changesOf(meta, this as unknown as Record<string, unknown>, stateOf(this)) as Partial<
      Record<AttributeKeys<this>, [unknown, unknown]>
    >;
  }

  /** What the last save wrote: `{ field: [before, after] }` (empty before any save). */
  get previousChanges(): Partial<Record<AttributeKeys<this>, [unknown, unknown]>> {
    const meta = bindingOf(this.constructor).meta;
    return previousChangesOf(meta, stateOf(this)) as Partial<
      Record<AttributeKeys<this>, [unknown, unknown]>
    >;
  }

  /** Discards unsaved changes of `fields` (default: all), back to the loaded values. */
  restoreAttributes(...fields: AttributeKeys<this>[]): this {
    const meta = bindingOf(this.constructor).meta;
    restoreSnapshot(
      meta,
      this as unknown as Record<string, unknown>,
      stateOf(this),
      fields.length ? fields : undefined,
    );
    return this;
  }

  /** Whether `field` (or, without one, any field) has unsaved changes. */
  changed(field?: AttributeKeys<this>): boolean {
    const changes = this.changes;
    return field === undefined ? Object.keys(changes).length > 0 : field in changes;
  }

  /** Assigns attributes (checked like `build`), without saving. */
  assign(attributes: AttributesInput<this>): this {
    assignAttributes(bindingOf(this.constructor).meta, this, attributes);
    return this;
  }

  /**
   * Validates, runs the hooks, then INSERTs when new or UPDATEs the changed columns (a no-op
   * write when nothing changed). `{ validate: false }` skips validation.
   */
  async save(options?: SaveOptions): Promise<this> {
    await repositoryOf(this.constructor as ModelClass).save(this, options);
    return this;
  }

  /** Runs validation hooks and rules without saving; throws ValidationError. */
  async validate(): Promise<void> {
    await repositoryOf(this.constructor as ModelClass).validate(this);
  }

  /** Whether validation passes (its errors are not reported; use `validate()` for them). */
  async isValid(): Promise<boolean> {
    try {
      await this.validate();
      return true;
    } catch (error) {
      if (error instanceof ValidationError) return false;
      throw error;
    }
  }

  /** Assigns and saves. */
  update(attributes: AttributesInput<this>): Promise<this> {
    return this.assign(attributes).save();
  }

  /** Reloads the row, discarding unsaved changes; throws RecordNotFoundError if it is gone. */
  async reload(): Promise<this> {
    await repositoryOf(this.constructor as ModelClass).reload(this);
    return this;
  }

  /** Deletes the row — or, with `@DeletedAt()`, stamps it as deleted. */
  async destroy(): Promise<void> {
    await repositoryOf(this.constructor as ModelClass).destroy(this);
  }

  /** Deletes the row even when the model soft-deletes. */
  async forceDestroy(): Promise<void> {
    await repositoryOf(this.constructor as ModelClass).destroy(this, { force: true });
  }

  /** Un-deletes a soft-deleted record. */
  async restore(): Promise<this> {
    await repositoryOf(this.constructor as ModelClass).restore(this);
    return this;
  }

  /**
   * Loads a relation and resolves to it. On a record that came from a query of many, the
   * relation is loaded for all of them in one query, so a loop costs one query in total.
   *
   * @example
   * for (const post of posts) console.log((await post.load('author')).name); // 1 query
   */
  load<K extends RelationKeys<this>>(relation: K): Promise<this[K]> {
    return repositoryOf(this.constructor as ModelClass).load(this, relation as never) as Promise<
      this[K]
    >;
  }

  /** Counts a collection's rows without loading them, for all siblings at once. */
  countOf(relation: RelationKeys<this>): Promise<number> {
    return repositoryOf(this.constructor as ModelClass).countOf(this, relation as never);
  }

  /**
   * Builds a related record that refers to this one (not saved): `user.build('posts', { title })`.
   * For a belongsTo, the new parent is assigned and saved with this record.
   */
  build<K extends RelationKeys<this>>(
    relation: K,
    attributes?: AttributesInput<RelationTarget<this[K]>>,
  ): RelationTarget<this[K]> {
    return repositoryOf(this.constructor as ModelClass).buildRelated(
      this,
      relation as never,
      attributes as never,
    ) as RelationTarget<this[K]>;
  }

  /** Links records through a hasMany or manyToMany relation (new ones are saved first). */
  addTo<K extends RelationKeys<this>>(
    relation: K,
    ...records: RelationTarget<this[K]>[]
  ): Promise<void> {
    return repositoryOf(this.constructor as ModelClass).addTo(
      this,
      relation as never,
      records as never,
    );
  }

  /** Unlinks records: deletes manyToMany join rows, or sets hasMany foreign keys to null. */
  removeFrom<K extends RelationKeys<this>>(
    relation: K,
    ...records: RelationTarget<this[K]>[]
  ): Promise<void> {
    return repositoryOf(this.constructor as ModelClass).removeFrom(
      this,
      relation as never,
      records as never,
    );
  }

  /**
   * The attributes (without `@Hidden()` ones) and the loaded relations, for JSON responses:
   * a controller can return records directly.
   */
  toJSON(): Record<string, unknown> {
    return this.serialize();
  }

  /**
   * Like `toJSON()`, limited to `only` fields or without `except` ones (relations included
   * when loaded, unless excluded).
   *
   * @example
   * user.serialize({ only: ['id', 'name'] });
   */
  serialize<K extends AttributeKeys<this> | RelationKeys<this>>(
    options: SerializeOptions<K> = {},
  ): Record<string, unknown> {
    return serializeRecord(bindingOf(this.constructor).meta, this, options);
  }
}

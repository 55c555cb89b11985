import type { Connection } from '../context/connection';
import { currentContext, type RequestContext } from '../context/request-context';
import { OrmError } from '../errors/orm-error';
import type { ModelMeta } from '../metadata/model-meta';
import { copyParentKeys } from '../associations/parents';
import { bindingOf } from '../model/connection-binding';
import { mappedRecords } from '../model/identity-map';
import {
  queueCommitHooks,
  queueRollbackHooks,
  runHooks,
  validateWithHooks,
} from '../model/lifecycle';
import type { Model } from '../model/model';
import { changesOf, stateOf } from '../model/record-state';
import { subscribersOf } from '../model/subscribers';
import { commitOrder } from './commit-order';
import { insertRecords, updateRecords } from './grouped-writes';

type Row = Record<string, unknown>;

function contextOrFail(): RequestContext {
  const context = currentContext();
  if (!context) {
    throw new OrmError(
      'NO_CONTEXT',
      'The unit of work needs a request context: it is opened for each HTTP request by ' +
        'OrmModule, and by runInContext(fn) in jobs and scripts',
    );
  }
  return context;
}

function metaOf(record: object): ModelMeta {
  return bindingOf(record.constructor).meta;
}

/**
 * The changes of the current request (or `runInContext` scope): records loaded in it, records
 * added with `add()`, records marked with `remove()`. `flush()` writes them all in one
 * transaction — inserts parents first and batched per table, updates batched per table and
 * changed columns, deletes children first — running validation and hooks as `save()` would.
 *
 * Injectable as a plain singleton: it keeps no state itself and works on the context of the
 * call, so providers that use it stay singletons.
 *
 * @example
 * const post = Post.build({ title }); uow.add(post); user.name = 'Ada'; await uow.flush();
 */
export class UnitOfWork {
  /** Marks records to save (insert when new, update when changed) at the next flush. */
  add(...records: Model[]): void {
    const { pending } = contextOrFail();
    for (const record of records) {
      pending.removed.delete(record);
      pending.added.add(record);
    }
  }

  /** Marks records to destroy at the next flush. */
  remove(...records: Model[]): void {
    const { pending } = contextOrFail();
    for (const record of records) {
      pending.added.delete(record);
      pending.removed.add(record);
    }
  }

  /** What the next flush would write. */
  get changes(): { inserts: Model[]; updates: Model[]; deletes: Model[] } {
    const { pending } = contextOrFail();
    const inserts = [...pending.added].filter(
      (r) => !stateOf(r).persisted && !stateOf(r).destroyed,
    );
    const candidates = new Set<object>([
      ...mappedRecords().map((m) => m.record),
      ...[...pending.added].filter((r) => stateOf(r).persisted),
    ]);
    const updates = [...candidates].filter(
      (r) =>
        stateOf(r).persisted &&
        !pending.removed.has(r) &&
        Object.keys(changesOf(metaOf(r), r as Row, stateOf(r))).length > 0,
    );
    const deletes = [...pending.removed].filter((r) => stateOf(r).persisted);
    return {
      inserts: inserts as Model[],
      updates: updates as Model[],
      deletes: deletes as Model[],
    };
  }

  /**
   * Writes every pending change in one transaction; nothing is written if any part fails.
   * With `connection` (a name), only that connection's records are written and leave the
   * pending set: with several connections, each one's transaction writes its own.
   */
  async flush(options: { validate?: boolean; connection?: string } = {}): Promise<void> {
    const context = contextOrFail();
    const mine = (record: object) =>
      options.connection === undefined || connectionOf([record]).name === options.connection;
    const changes = this.changes;
    const inserts = changes.inserts.filter(mine);
    const updates = changes.updates.filter(mine);
    const deletes = changes.deletes.filter(mine);
    if (inserts.length + updates.length + deletes.length === 0) return;
    const connection = connectionOf([...inserts, ...updates, ...deletes]);
    const metas = commitOrder([...new Set([...inserts, ...updates, ...deletes].map(metaOf))]);
    await connection.transaction(async () => {
      for (const meta of metas) {
        const records = inserts.filter((r) => metaOf(r) === meta);
        if (records.length) await this.write(meta, records, connection, true, options);
      }
      for (const meta of metas) {
        const records = updates.filter((r) => metaOf(r) === meta);
        if (records.length) await this.write(meta, records, connection, false, options);
      }
      for (const meta of [...metas].reverse()) {
        for (const record of deletes.filter((r) => metaOf(r) === meta)) {
          await bindingOf(meta.modelClass).repository.destroy(record as never);
        }
      }
    });
    for (const pending of [context.pending.added, context.pending.removed]) {
      for (const record of pending) if (mine(record)) pending.delete(record);
    }
  }

  /** Forgets pending additions and removals (loaded records keep their changes). */
  clear(): void {
    const { pending } = contextOrFail();
    pending.added.clear();
    pending.removed.clear();
  }

  private async write(
    meta: ModelMeta,
    records: readonly Model[],
    connection: Connection,
    creating: boolean,
    options: { validate?: boolean },
  ): Promise<void> {
    const subscribers = subscribersOf(connection, meta.modelClass);
    for (const record of records) {
      if (options.validate !== false) await validateWithHooks(meta, record, subscribers);
      await queueRollbackHooks(meta, record, connection, subscribers);
      await runHooks(meta, record, 'beforeSave', subscribers);
      await runHooks(meta, record, creating ? 'beforeCreate' : 'beforeUpdate', subscribers);
      // Parents were inserted before: their keys are known now.
      if (meta.relationNames.length) copyParentKeys(meta, record);
    }
    if (creating) await insertRecords(meta, records, connection);
    else await updateRecords(meta, records, connection);
    for (const record of records) {
      await runHooks(meta, record, creating ? 'afterCreate' : 'afterUpdate', subscribers);
      await runHooks(meta, record, 'afterSave', subscribers);
      await queueCommitHooks(meta, record, connection, subscribers);
    }
  }
}

function connectionOf(records: readonly object[]): Connection {
  const connections = new Set(
    records.map((r) => stateOf(r).connection ?? bindingOf(r.constructor).connection),
  );
  if (connections.size > 1) {
    throw new OrmError(
      'SEVERAL_CONNECTIONS',
      'The unit of work holds records of several connections; flush writes one transaction on one connection',
    );
  }
  return [...connections][0]!;
}

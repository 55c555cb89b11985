import type { Connection } from '../context/connection';
import { RecordNotSavedError, ValidationError } from '../errors/lifecycle-errors';
import type { HookEvent } from '../metadata/model-declarations';
import type { ModelMeta } from '../metadata/model-meta';
import { stateOf } from './record-state';
import type { ModelSubscriber } from './subscribers';
import { hasValidationRules, validationErrors } from './validation';

const writeEvents: readonly HookEvent[] = [
  'beforeSave',
  'afterSave',
  'beforeCreate',
  'afterCreate',
  'beforeUpdate',
  'afterUpdate',
  'afterCommit',
  'afterRollback',
];

/** Whether saving this model involves more than the write itself. */
export function hasSaveLifecycle(
  meta: ModelMeta,
  subscribers: readonly ModelSubscriber[],
): boolean {
  return meta.hooks.size > 0 || subscribers.length > 0 || hasValidationRules(meta);
}

/** Whether a save's hooks must share a transaction with the write (they may write, or wait for commit). */
function writesInTransaction(meta: ModelMeta, subscribers: readonly ModelSubscriber[]): boolean {
  return subscribers.length > 0 || writeEvents.some((e) => meta.hooks.has(e));
}

/**
 * Runs a hook event: the model's decorated methods (inherited first), then subscribers. A
 * `before*` hook returning false aborts with RecordNotSavedError; a throw aborts as it is.
 */
export async function runHooks(
  meta: ModelMeta,
  record: object,
  event: HookEvent,
  subscribers: readonly ModelSubscriber[],
): Promise<void> {
  const aborts = event.startsWith('before');
  for (const method of meta.hooks.get(event) ?? []) {
    const result = await (record as Record<string, () => unknown>)[method]!();
    if (aborts && result === false) throw new RecordNotSavedError(meta.className, method);
  }
  for (const subscriber of subscribers) {
    const handler = subscriber[event];
    if (!handler) continue;
    const result = await handler.call(subscriber, record);
    if (aborts && result === false) {
      throw new RecordNotSavedError(meta.className, `${subscriber.constructor.name}.${event}`);
    }
  }
}

/** Runs validation hooks and rules; throws ValidationError before any SQL. */
export async function validateWithHooks(
  meta: ModelMeta,
  record: object,
  subscribers: readonly ModelSubscriber[],
): Promise<void> {
  await runHooks(meta, record, 'beforeValidate', subscribers);
  const errors = await validationErrors(meta, record, stateOf(record).persisted);
  if (errors) throw new ValidationError(meta.className, errors);
  await runHooks(meta, record, 'afterValidate', subscribers);
}

/**
 * `save()` with its lifecycle: validation (unless `validate: false`), before hooks, the write,
 * after hooks — in one transaction when hooks may write — and commit/rollback hooks queued on
 * the outermost transaction.
 */
export async function saveWithLifecycle(
  meta: ModelMeta,
  record: object,
  connection: Connection,
  subscribers: readonly ModelSubscriber[],
  options: { validate?: boolean },
  write: () => Promise<void>,
): Promise<void> {
  if (options.validate !== false) await validateWithHooks(meta, record, subscribers);
  const creating = !stateOf(record).persisted;
  const work = async () => {
    await queueRollbackHooks(meta, record, connection, subscribers);
    await runHooks(meta, record, 'beforeSave', subscribers);
    await runHooks(meta, record, creating ? 'beforeCreate' : 'beforeUpdate', subscribers);
    await write();
    await runHooks(meta, record, creating ? 'afterCreate' : 'afterUpdate', subscribers);
    await runHooks(meta, record, 'afterSave', subscribers);
    await queueCommitHooks(meta, record, connection, subscribers);
  };
  if (writesInTransaction(meta, subscribers)) await connection.transaction(work);
  else await work();
}

/** `destroy()` with its lifecycle, in one transaction with the delete. */
export async function destroyWithLifecycle(
  meta: ModelMeta,
  record: object,
  connection: Connection,
  subscribers: readonly ModelSubscriber[],
  remove: () => Promise<void>,
): Promise<void> {
  await connection.transaction(async () => {
    await queueRollbackHooks(meta, record, connection, subscribers);
    await runHooks(meta, record, 'beforeDestroy', subscribers);
    await remove();
    await runHooks(meta, record, 'afterDestroy', subscribers);
    await queueCommitHooks(meta, record, connection, subscribers);
  });
}

function wants(meta: ModelMeta, subscribers: readonly ModelSubscriber[], event: HookEvent) {
  return meta.hooks.has(event) || subscribers.some((s) => s[event] !== undefined);
}

/** afterCommit hooks, queued once the write succeeded (they run after the outermost COMMIT). */
export async function queueCommitHooks(
  meta: ModelMeta,
  record: object,
  connection: Connection,
  subscribers: readonly ModelSubscriber[],
): Promise<void> {
  if (!wants(meta, subscribers, 'afterCommit')) return;
  await connection.afterCommit(() => runHooks(meta, record, 'afterCommit', subscribers));
}

/** afterRollback hooks, queued as the operation starts: an abort rolls back too. */
export async function queueRollbackHooks(
  meta: ModelMeta,
  record: object,
  connection: Connection,
  subscribers: readonly ModelSubscriber[],
): Promise<void> {
  if (!wants(meta, subscribers, 'afterRollback')) return;
  await connection.afterCommit(
    () => undefined,
    () => runHooks(meta, record, 'afterRollback', subscribers),
  );
}

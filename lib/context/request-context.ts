import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the ORM tracks for one unit of work — an HTTP request, a job, a script run: the
 * identity map, the unit of work's pending changes, and statement counts for the N+1 detector.
 * The model layer fills the slots it owns; this layer only carries them along the async flow.
 */
export interface RequestContext {
  /** Statement text → times sent in this context. */
  readonly statementCounts: Map<string, number>;
  /** Statement texts already reported, so each is reported once per context. */
  readonly reported: Set<string>;
  /** One record per row: model metadata → primary key (as text) → record. */
  readonly identityMap: Map<object, Map<string, object>>;
  /** Records added to or removed from the unit of work, waiting for `flush()`. */
  readonly pending: { readonly added: Set<object>; readonly removed: Set<object> };
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` in a fresh context that follows every `await` inside it. `OrmModule` opens one
 * per HTTP request; call this in queue consumers, cron jobs and scripts.
 *
 * @example
 * await runInContext(() => reportService.nightly());
 */
export function runInContext<T>(fn: () => T): T {
  return storage.run(
    {
      statementCounts: new Map(),
      reported: new Set(),
      identityMap: new Map(),
      pending: { added: new Set(), removed: new Set() },
    },
    fn,
  );
}

/** The context of the current async scope, if one is open. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

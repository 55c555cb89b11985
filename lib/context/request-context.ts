import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the ORM tracks for one unit of work — an HTTP request, a job, a script run: for now,
 * how often each statement shape ran (for the N+1 detector).
 */
export interface RequestContext {
  /** Statement text → times sent in this context. */
  readonly statementCounts: Map<string, number>;
  /** Statement texts already reported, so each is reported once per context. */
  readonly reported: Set<string>;
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
  return storage.run({ statementCounts: new Map(), reported: new Set() }, fn);
}

/** The context of the current async scope, if one is open. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

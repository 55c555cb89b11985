import { InvalidQueryError } from '../errors/invalid-query-error';

/** Isolation levels PostgreSQL offers (read uncommitted behaves as read committed). */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/**
 * How a transactional call relates to a transaction already open in its async scope:
 * - `required` (default): join it, or open one;
 * - `requiresNew`: always open a new one, on another connection (the outer one waits);
 * - `nested`: a savepoint inside it (rolled back alone), or a new transaction;
 * - `supports`: join it, or run without one;
 * - `mandatory`: join it, or fail;
 * - `never`: run without one, or fail if one is open.
 */
export type Propagation =
  'required' | 'requiresNew' | 'nested' | 'supports' | 'mandatory' | 'never';

/**
 * Options of `orm.transaction()` and `@Transactional()`.
 *
 * @example
 * await orm.transaction({ isolation: 'serializable', retries: 5 }, () => transfer(a, b, 10));
 */
export interface TransactionOptions {
  isolation?: IsolationLevel;
  propagation?: Propagation;
  readOnly?: boolean;
  /**
   * Serialization failures (40001) and deadlocks (40P01) re-run the whole function, after a
   * jittered backoff, up to this many times (default 0). Only a transaction this call opens
   * is retried; one that joins an outer transaction fails to it.
   */
  retries?: number;
  /** Milliseconds the transaction may take (statements are also cancelled by the server). */
  timeout?: number;
}

const isolationLevels: Record<IsolationLevel, string> = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
};
const propagations = new Set<string>([
  'required',
  'requiresNew',
  'nested',
  'supports',
  'mandatory',
  'never',
]);

/** Checks options (which may come from configuration) before anything is opened. */
export function checkTransactionOptions(options: TransactionOptions): void {
  const fail = (what: string) => {
    throw new InvalidQueryError(`Invalid transaction option: ${what}`);
  };
  if (options.isolation !== undefined && !Object.hasOwn(isolationLevels, options.isolation)) {
    fail(`isolation must be one of ${Object.keys(isolationLevels).join(', ')}`);
  }
  if (options.propagation !== undefined && !propagations.has(options.propagation)) {
    fail(`propagation must be one of ${[...propagations].join(', ')}`);
  }
  for (const key of ['retries', 'timeout'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      fail(`${key} must be a non-negative integer`);
    }
  }
}

/** `BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY`, from checked options. */
export function beginStatement(options: TransactionOptions): string {
  let text = 'BEGIN';
  if (options.isolation) text += ' ISOLATION LEVEL ' + isolationLevels[options.isolation];
  if (options.readOnly) text += ' READ ONLY';
  return text;
}

/** Jittered exponential backoff before retry `attempt` (0-based): ~25 ms, 50 ms, 100 ms … ≤ 1 s. */
export function retryDelay(attempt: number): number {
  const base = Math.min(1000, 25 * 2 ** attempt);
  return Math.round(base * (0.5 + Math.random()));
}

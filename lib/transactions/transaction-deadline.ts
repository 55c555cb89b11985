import { QueryTimeoutError } from '../errors/query-timeout-error';

/** The transaction's own deadline passed (not a statement timeout the server reported). */
export class TransactionDeadlineError extends QueryTimeoutError {}

/** Rejects when `work` takes longer than `ms`; the transaction then rolls back. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
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

/**
 * Runs commit/rollback callbacks one after the other. The transaction is over, so a failure
 * cannot undo it: it is reported as a warning and the remaining callbacks still run.
 */
export async function runCallbacks(
  callbacks: ReadonlyArray<() => unknown>,
  when: string,
): Promise<void> {
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

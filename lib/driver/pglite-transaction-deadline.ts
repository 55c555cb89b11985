import { QueryTimeoutError } from '../errors/query-timeout-error';
import type { QueryResult } from './driver';

type StatementKind = 'begin' | 'commit' | 'rollback' | 'other' | { timeoutMs: number };

/**
 * A transaction's `timeout` on PGlite, enforced between statements. PGlite runs a statement
 * synchronously in WASM: nothing in JavaScript runs until it ends (timers included), and it
 * ignores `statement_timeout`. So the deadline is checked when each statement ends and before
 * the next one starts: past it, the transaction is rolled back and its statements refused.
 *
 * The deadline comes from the `SET LOCAL statement_timeout = N` that `transaction({ timeout })`
 * sends right after BEGIN; it counts from BEGIN.
 */
export class PgliteTransactionDeadline {
  private begunAt?: number;
  private afterBegin = false;
  private deadline?: { at: number; ms: number };
  private expiredAfter?: number;

  async run<Row>(
    text: string,
    execute: () => Promise<QueryResult<Row>>,
    rollback: () => Promise<unknown>,
  ): Promise<QueryResult<Row>> {
    const kind = statementKind(text);
    if (this.expiredAfter !== undefined) {
      // Already rolled back here: the caller's ROLLBACK has nothing left to do.
      if (kind === 'rollback') return this.finish({ rows: [], rowCount: 0 });
      throw this.error(text);
    }
    if (kind !== 'rollback') await this.check(text, rollback);
    const startedAt = Date.now();
    const result = await execute();
    if (kind === 'begin') {
      this.begunAt = startedAt;
      this.afterBegin = true;
      return result;
    }
    if (kind === 'commit' || kind === 'rollback') return this.finish(result);
    if (
      typeof kind === 'object' &&
      kind.timeoutMs > 0 &&
      this.afterBegin &&
      this.begunAt !== undefined
    ) {
      this.deadline = { at: this.begunAt + kind.timeoutMs, ms: kind.timeoutMs };
    }
    this.afterBegin = false;
    // The statement may have run past the deadline: its result is not handed out.
    await this.check(text, rollback);
    return result;
  }

  private async check(text: string, rollback: () => Promise<unknown>): Promise<void> {
    if (!this.deadline || this.begunAt === undefined) return;
    const elapsed = Date.now() - this.begunAt;
    if (elapsed <= this.deadline.ms) return;
    this.expiredAfter = elapsed;
    await rollback().catch(() => undefined);
    throw this.error(text);
  }

  private finish<Row>(result: QueryResult<Row>): QueryResult<Row> {
    this.begunAt = undefined;
    this.deadline = undefined;
    this.expiredAfter = undefined;
    this.afterBegin = false;
    return result;
  }

  private error(text: string): QueryTimeoutError {
    return new QueryTimeoutError(
      `The transaction took longer than its timeout of ${this.deadline?.ms} ms ` +
        `(${this.expiredAfter} ms when PGlite was checked) and was rolled back. PGlite cannot ` +
        'interrupt a running statement: the timeout is checked as each statement ends and before ' +
        'the next one, so keep single statements short or use a PostgreSQL server',
      { sqlState: '57014', sql: text },
      this.deadline?.ms,
    );
  }
}

function statementKind(text: string): StatementKind {
  const head = text.trimStart().slice(0, 80).toUpperCase();
  if (/^(BEGIN|START\s+TRANSACTION)\b/.test(head)) return 'begin';
  if (/^(COMMIT|END)\b/.test(head)) return 'commit';
  if (/^(ROLLBACK|ABORT)\b/.test(head) && !/^ROLLBACK\s+(WORK\s+|TRANSACTION\s+)?TO\b/.test(head))
    return 'rollback';
  const timeout = /^SET\s+LOCAL\s+STATEMENT_TIMEOUT\s*(?:=|TO)\s*'?(\d+)(?:MS)?'?\s*;?\s*$/.exec(
    text.trim().toUpperCase(),
  );
  return timeout ? { timeoutMs: Number(timeout[1]) } : 'other';
}

import type { Connection, Statement } from '../context/connection';
import type { DriverSession } from '../driver/driver';
import { quoteIdentifier } from '../sql/quote-identifier';

let cursorCounter = 0;

/**
 * Reads a SELECT through a server-side cursor, `batchSize` rows at a time, so memory stays
 * constant whatever the result size. Inside a transaction the cursor lives on its session;
 * on a server pool it gets a session of its own; on single-session PGlite it is a WITH HOLD
 * cursor so other statements can run between batches.
 */
export async function* streamRows(
  connection: Connection,
  statement: Statement,
  batchSize: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const name = quoteIdentifier(`nar_cursor_${++cursorCounter}`);
  const fetch = { text: `FETCH ${batchSize} FROM ${name}`, values: [] };
  const close = { text: `CLOSE ${name}`, values: [] };
  const inTransaction = connection.currentSession();

  let session: DriverSession | undefined;
  let ownTransaction = false;
  let send: (s: Statement) => Promise<{ rows: Record<string, unknown>[] }>;
  if (inTransaction) {
    send = (s) => connection.executeOn(inTransaction, s);
    await send({
      text: `DECLARE ${name} NO SCROLL CURSOR FOR ${statement.text}`,
      values: statement.values,
    });
  } else if (connection.driver.singleSession) {
    send = (s) => connection.execute(s);
    await send({
      text: `DECLARE ${name} NO SCROLL CURSOR WITH HOLD FOR ${statement.text}`,
      values: statement.values,
    });
  } else {
    const own = await connection.driver.acquire();
    session = own;
    send = (s) => connection.executeOn(own, s);
    try {
      await send({ text: 'BEGIN READ ONLY', values: [] });
      ownTransaction = true;
      await send({
        text: `DECLARE ${name} NO SCROLL CURSOR FOR ${statement.text}`,
        values: statement.values,
      });
    } catch (error) {
      await finish();
      throw error;
    }
  }

  async function finish(): Promise<void> {
    try {
      // CLOSE fails harmlessly when the transaction was aborted; the COMMIT then rolls back.
      await send(close).catch(() => undefined);
      if (ownTransaction) await send({ text: 'COMMIT', values: [] });
      session?.release();
    } catch {
      session?.release(true);
    }
  }

  try {
    for (;;) {
      const { rows } = await send(fetch);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) break;
    }
  } finally {
    // Runs on completion, on error, and when the consumer breaks out of its loop.
    await finish();
  }
}

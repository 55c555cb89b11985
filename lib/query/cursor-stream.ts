import type { Connection, Statement } from '../context/connection';
import type { DriverSession, QueryResult } from '../driver/driver';
import { QueryTimeoutError } from '../errors/query-timeout-error';
import { quoteIdentifier } from '../sql/quote-identifier';

let cursorCounter = 0;

/**
 * Reads a SELECT through a server-side cursor, `batchSize` rows at a time, so memory stays
 * constant whatever the result size. Inside a transaction the cursor lives on its session;
 * on a server pool it gets a session of its own; on single-session PGlite it is a WITH HOLD
 * cursor so other statements can run between batches.
 *
 * A session of its own is given back when the reader breaks out of its loop (`return()`), and
 * also when nobody pulls the next batch within the driver's stream idle bound
 * (`pool.idleInTransactionTimeoutMs`): a later pull then fails with `QueryTimeoutError`.
 *
 * Each batch is the FETCH's result: its rows asked for as arrays when `arrays` is set.
 */
export async function* streamRows(
  connection: Connection,
  statement: Statement,
  batchSize: number,
  arrays = false,
): AsyncGenerator<QueryResult<unknown>> {
  const name = quoteIdentifier(`nar_cursor_${++cursorCounter}`);
  const fetch = { text: `FETCH ${batchSize} FROM ${name}`, values: [], arrays };
  const close = { text: `CLOSE ${name}`, values: [] };
  const inTransaction = connection.currentSession();

  let session: DriverSession | undefined;
  let ownTransaction = false;
  let send: (s: Statement) => Promise<QueryResult<unknown>>;
  let finished: Promise<void> | undefined;
  const finish = (): Promise<void> => (finished ??= closeCursor());
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

  async function closeCursor(): Promise<void> {
    try {
      // CLOSE fails harmlessly when the transaction was aborted; the COMMIT then rolls back.
      await send(close).catch(() => undefined);
      if (ownTransaction) await send({ text: 'COMMIT', values: [] });
      session?.release();
    } catch {
      session?.release(true);
    }
  }

  const idleMs = session ? (connection.driver.streamIdleTimeoutMs ?? 0) : 0;
  let abandoned = false;
  try {
    for (;;) {
      const result = await send(fetch);
      const { rows } = result;
      if (rows.length > 0) {
        // A reader that stops pulling without calling return() would hold the session forever.
        const idle = idleMs
          ? setTimeout(() => {
              abandoned = true;
              void finish();
            }, idleMs).unref()
          : undefined;
        try {
          yield result;
        } finally {
          clearTimeout(idle);
        }
        if (abandoned) {
          throw new QueryTimeoutError(
            `The stream was not read for ${idleMs} ms (pool.idleInTransactionTimeoutMs): its ` +
              'cursor was closed and its connection given back; read it again from the start',
            { sqlState: '57014', sql: statement.text },
            idleMs,
          );
        }
      }
      if (rows.length < batchSize) break;
    }
  } finally {
    // Runs on completion, on error, and when the consumer breaks out of its loop.
    await finish();
  }
}

import type { PoolClient } from 'pg';

/** How many statements one connection keeps prepared before it forgets them all. */
export const DEFAULT_PREPARED_PER_CONNECTION = 256;

/** Most statement texts given a name per driver; later ones run unnamed. */
const MAX_NAMED_TEXTS = 5_000;

/** node-postgres's record of what a connection has prepared (not in its type declarations). */
interface ParsedStatements {
  connection: { parsedStatements: Record<string, string> };
}

/**
 * Named (server-side prepared) statements for a `PgDriver`: a statement text sent again on a
 * connection skips the server's parse and analysis. Plans stay custom (`plan_cache_mode =
 * force_custom_plan`, set on each connection when first handed out): a generic plan, which PostgreSQL may switch to
 * after five runs, can be far slower for skewed values, so each run is still planned for its
 * own values as an unnamed statement is.
 *
 * Each text gets one name for the driver's life (`nar_1`, `nar_2`, …; never reused, so a name
 * cannot meet a different text). Each connection keeps at most `perConnection` prepared; past
 * that it deallocates them all and starts again, which bounds the server's memory.
 *
 * A schema change can make a prepared `SELECT *` stale ("cached plan must not change result
 * type"): the text then gets a new name, so the next run prepares it afresh (see `PgSession`).
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private counter = 0;
  private readonly prepared = new WeakMap<PoolClient, Set<string>>();

  constructor(readonly perConnection: number) {}

  /**
   * Readies a connection the first time it is handed out, while it is idle (outside any
   * transaction, which would undo the setting on rollback).
   */
  async adopt(client: PoolClient): Promise<void> {
    if (this.prepared.has(client)) return;
    await client.query('SET plan_cache_mode = force_custom_plan');
    this.prepared.set(client, new Set());
  }

  /**
   * The name to send `text` under on `client`, after making room for it; undefined to send it
   * unnamed (no values: the simple protocol, which also allows several statements per text).
   */
  async nameFor(
    client: PoolClient,
    text: string,
    values: readonly unknown[],
  ): Promise<string | undefined> {
    if (values.length === 0) return undefined;
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= MAX_NAMED_TEXTS) return undefined;
      name = `nar_${++this.counter}`;
      this.names.set(text, name);
    }
    const prepared = this.prepared.get(client);
    if (!prepared) return undefined;
    if (!prepared.has(name) && prepared.size >= this.perConnection) {
      await client.query('DEALLOCATE ALL');
      (client as unknown as ParsedStatements).connection.parsedStatements = {};
      prepared.clear();
    }
    prepared.add(name);
    return name;
  }

  /** After a stale-plan error: `text` runs under a new name from now on, on every connection. */
  renew(text: string): void {
    const name = this.names.get(text);
    if (name === undefined) return;
    this.names.set(text, `nar_${++this.counter}`);
  }

  /** Whether a driver error is PostgreSQL refusing a prepared statement made stale by DDL. */
  static isStalePlan(error: unknown): boolean {
    const { code, message } = error as { code?: string; message?: string };
    return code === '0A000' && /cached plan must not change result type/.test(message ?? '');
  }
}

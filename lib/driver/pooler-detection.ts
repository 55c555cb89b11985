import { ConnectionError } from '../errors/connection-error';
import type { Queryable } from './driver';

const fix = 'add ?pgbouncer=true to the url (or pool: { pgbouncer: true })';

/**
 * What to add to a failed connect's message when PgBouncer refused the session parameters
 * the driver sends (`unsupported startup parameter: statement_timeout`).
 */
export function pgbouncerHint(message: string | undefined): string {
  return message && /unsupported startup parameter/i.test(message)
    ? `. A connection pooler (PgBouncer) answers at this address and refuses session settings: ${fix}`
    : '';
}

/**
 * Checks that the server applied the `statement_timeout` sent at connect. A pooler told to
 * drop such parameters (PgBouncer's `ignore_startup_parameters`) connects fine, but then no
 * statement is bounded, and in transaction pooling a session setting would reach other
 * clients: a clear error says which option makes the driver work with it instead.
 */
export async function checkSessionSettingsApplied(db: Queryable, target: string): Promise<void> {
  const { rows } = await db.query<{ source: string }>(
    "SELECT source FROM pg_settings WHERE name = 'statement_timeout'",
    [],
  );
  const source = rows[0]?.source;
  if (source !== undefined && source !== 'client') {
    throw new ConnectionError(
      `The server at ${target} did not apply the statement_timeout sent at connect (its ` +
        `source is "${source}"): a connection pooler in between drops session settings ` +
        `(PgBouncer's ignore_startup_parameters), so statements would run unbounded; ${fix}`,
      target,
    );
  }
}

import type { Statement } from '../context/connection';
import { quoteIdentifier } from '../sql/quote-identifier';

const concurrentBuild =
  /^CREATE (?:UNIQUE )?INDEX CONCURRENTLY (?:IF NOT EXISTS )?"((?:[^"]|"")+)"/;

/**
 * Before a concurrent index build: a build of the same index that failed earlier left it
 * INVALID (unused by queries, but in the way of `IF NOT EXISTS`), so it is dropped first and
 * the build starts over.
 */
export async function dropInvalidIndexBefore(
  statement: string,
  run: (s: Statement) => Promise<Record<string, unknown>[]>,
): Promise<void> {
  const match = concurrentBuild.exec(statement);
  if (!match) return;
  const name = match[1]!.replace(/""/g, '"');
  const invalid = await run({
    text: `SELECT 1 FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
           WHERE i.relname = $1 AND NOT ix.indisvalid
             AND i.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`,
    values: [name],
  });
  if (invalid.length > 0) {
    await run({ text: `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdentifier(name)}`, values: [] });
  }
}

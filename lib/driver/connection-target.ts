/**
 * `host:port/database` of a connection URL, for messages. The password never appears.
 *
 * @example
 * describeTarget('postgres://app:secret@db:5432/shop'); // 'db:5432/shop'
 */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || 'localhost';
    const port = parsed.port || '5432';
    const database =
      decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.username || 'postgres';
    return `${host}:${port}/${database}`;
  } catch {
    return 'PostgreSQL (connection string could not be parsed)';
  }
}

/**
 * A position in PostgreSQL's write-ahead log (an LSN), as `pg_current_wal_lsn()` prints it:
 * two hexadecimal halves of a 64-bit number, `16/B374D848`. Compared as one bigint, exactly.
 */
const WAL_POSITION = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/**
 * The position as a bigint, or undefined when `text` is not exactly `X/Y` (1–8 hex digits each):
 * the strict check lets a position come from a client's header or cookie.
 *
 * @example
 * parseWalPosition('16/B374D848'); // 97500059720n
 */
export function parseWalPosition(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || text.length > 17) return undefined;
  const match = WAL_POSITION.exec(text);
  if (!match) return undefined;
  return (BigInt('0x' + match[1]!) << 32n) | BigInt('0x' + match[2]!);
}

/** Reads where the server's WAL stands now (a primary's; a standby refuses it). */
export const CURRENT_WAL_POSITION_SQL = 'SELECT pg_current_wal_lsn()::text AS position';

/** The `X/Y` form PostgreSQL prints. */
export function formatWalPosition(position: bigint): string {
  const high = (position >> 32n).toString(16).toUpperCase();
  const low = (position & 0xffffffffn).toString(16).toUpperCase();
  return `${high}/${low}`;
}

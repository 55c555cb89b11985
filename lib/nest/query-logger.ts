import { Logger } from '@nestjs/common';
import type { QueryEvent } from '../connection/query-event';

const logger = new Logger('Orm');

/** Writes one statement to Nest's Logger: debug when it succeeded, warn when it failed. */
export function logQuery(event: QueryEvent): void {
  const on = event.target === 'replica' ? ` — replica ${event.server}` : '';
  const line = `${event.text} — ${event.durationMs.toFixed(1)} ms, ${event.rowCount} row(s)${on}`;
  if (event.error) logger.warn(`${line} — failed: ${event.error.message}`);
  else logger.log(line);
}

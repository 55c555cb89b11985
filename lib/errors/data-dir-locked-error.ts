import { ConnectionError } from './connection-error';

/** The process holding a PGlite data directory, as its lock file records it. */
export interface DataDirHolder {
  pid: number;
  /** The holder's command line (or process title), when it was known. */
  command?: string;
  /** When the holder took the directory (ISO 8601). */
  since?: string;
  /** True when the holder is another driver in this very process. */
  sameProcess: boolean;
}

/**
 * A PGlite `dataDir` is already open in another process, or by another driver in this one.
 * PGlite keeps no lock of its own, and two writers corrupt the directory, so the second opener
 * is refused. The message names the holder's pid and command line.
 *
 * @example
 * await Orm.connect({ dataDir: '.data/pg' }); // DataDirLockedError: … is in use by process 4242 (node dist/main.js) …
 */
export class DataDirLockedError extends ConnectionError {
  override readonly code = 'DATA_DIR_LOCKED';

  constructor(
    message: string,
    readonly dataDir: string,
    readonly holder: DataDirHolder,
    target?: string,
  ) {
    super(message, target);
  }
}

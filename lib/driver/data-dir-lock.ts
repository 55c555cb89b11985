import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConnectionError } from '../errors/connection-error';
import { DataDirLockedError } from '../errors/data-dir-locked-error';

/** What the lock file holds. */
interface LockRecord {
  pid: number;
  /** The holder's start time in clock ticks since boot (Linux), to tell a reused pid. */
  startTime?: string;
  /** Unique per lock: a release removes the file only while it is still its own. */
  token: string;
  command?: string;
  since: string;
}

/** The lock file inside the data directory (PGlite keeps no postmaster.pid of its own). */
export const LOCK_FILE_NAME = '.nest-ar.lock';

const held = new Set<DataDirLock>();
let exitHookInstalled = false;

/**
 * Exclusive hold of a PGlite data directory by one driver in one process, through a lock file
 * created atomically with its content (pid, start time, token, command line). A lock whose
 * holder is gone (killed, crashed, pid reused) is taken over; the file is removed on release
 * and, for a driver never closed, when the process exits.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    private readonly file: string,
    private readonly token: string,
  ) {}

  /** Takes the directory or throws DataDirLockedError naming the holder. */
  static acquire(dataDir: string, target: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const dir = realpathSync(dataDir);
    const file = join(dir, LOCK_FILE_NAME);
    const record = ownRecord();
    for (let attempt = 0; attempt < 10; attempt++) {
      if (create(file, record)) {
        const lock = new DataDirLock(dir, file, record.token);
        held.add(lock);
        installExitHook();
        return lock;
      }
      const existing = read(file);
      if (existing === 'missing') continue;
      if (existing && isAlive(existing)) throw lockedError(dir, file, existing, target);
      takeOver(file, existing);
    }
    throw new ConnectionError(
      `Could not take the lock ${file}: other processes keep replacing it`,
      target,
    );
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this);
    const current = read(this.file);
    if (current && current !== 'missing' && current.token === this.token) {
      try {
        unlinkSync(this.file);
      } catch {
        // Already gone: nothing to release.
      }
    }
  }
}

function ownRecord(): LockRecord {
  return {
    pid: process.pid,
    startTime: startTimeOf(process.pid),
    token: randomBytes(12).toString('hex'),
    command: commandLine(),
    since: new Date().toISOString(),
  };
}

/**
 * Creates the lock file with its content in one step: written aside, then hard-linked into
 * place (link fails if the name exists), so no reader ever sees it empty. On file systems
 * without hard links, an exclusive create and a write.
 */
function create(file: string, record: LockRecord): boolean {
  const content = JSON.stringify(record);
  const draft = `${file}.${record.token}`;
  try {
    writeFileSync(draft, content, { flag: 'wx' });
    try {
      linkSync(draft, file);
      return true;
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      return createExclusive(file, content);
    } finally {
      unlinkSync(draft);
    }
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The record, `undefined` when the file is unreadable or garbled, `'missing'` when absent. */
function read(file: string): LockRecord | undefined | 'missing' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'missing' : undefined;
  }
  try {
    const record = JSON.parse(text) as LockRecord;
    return Number.isInteger(record.pid) && typeof record.token === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(record: LockRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if (errorCode(error) !== 'EPERM') return false;
  }
  // The pid is taken, but by the holder only if it started when the holder did.
  const startTime = startTimeOf(record.pid);
  return !(record.startTime && startTime && startTime !== record.startTime);
}

/**
 * Removes a stale lock. It is renamed aside first, so two openers that both judged it stale
 * cannot delete each other's fresh lock: one that moved a lock other than the stale one it
 * read links it back.
 */
function takeOver(file: string, stale: LockRecord | undefined): void {
  const aside = `${file}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = read(aside);
  if (moved && moved !== 'missing' && moved.token !== stale?.token) {
    try {
      linkSync(aside, file);
    } catch {
      // A third opener already holds the name; the next attempt reads its lock.
    }
  }
  unlinkSync(aside);
}

function lockedError(
  dir: string,
  file: string,
  holder: LockRecord,
  target: string,
): DataDirLockedError {
  const sameProcess = holder.pid === process.pid;
  const who = sameProcess
    ? `another PgliteDriver in this process (pid ${holder.pid}), open since ${holder.since}`
    : `process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}, open since ${holder.since}`;
  const what = sameProcess
    ? 'Close that Orm or driver first (orm.close()), or share it instead of opening the directory twice.'
    : 'PGlite lets one process at a time use a data directory: stop that process (or close its Orm) ' +
      'first, or give this one another dataDir. To migrate while the app runs, stop the app or use a ' +
      `PostgreSQL server (url). If process ${holder.pid} is not using this directory, delete ${file}.`;
  return new DataDirLockedError(
    `The PGlite data directory ${dir} is in use by ${who}. ${what}`,
    dir,
    { pid: holder.pid, command: holder.command, since: holder.since, sameProcess },
    target,
  );
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startTimeOf(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function commandLine(): string {
  const words = [process.argv0, ...process.execArgv, ...process.argv.slice(1)].join(' ');
  const title = process.title && !words.startsWith(process.title) ? `${process.title}: ` : '';
  const command = `${title}${words}`;
  return command.length > 300 ? `${command.slice(0, 300)}…` : command;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only exit: after a fatal signal the file stays, and its dead pid lets the next opener in.
  process.on('exit', () => {
    for (const lock of [...held]) lock.release();
  });
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

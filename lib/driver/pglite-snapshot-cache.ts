import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bumped when what a snapshot holds changes meaning (start parameters, say), so that snapshots
 * written by an earlier version are never loaded.
 */
const FORMAT = 'pglite-snapshot-1';

/** The folder snapshots are kept in unless told otherwise: one per user, in the temp folder. */
export function defaultSnapshotFolder(): string {
  const user = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `nestjs-active-record-${user}`, 'pglite-snapshots');
}

/**
 * Data directories of in-memory PGlite databases kept on disk by content key, so that a new
 * database starts from a copy instead of running `initdb` (and its migrations) again — in
 * this process, other test workers, and later runs. A snapshot is written once, atomically
 * (a reader sees a whole file or none), and one that fails to load is deleted by its reader.
 */
export class PgliteSnapshotCache {
  constructor(readonly folder: string = defaultSnapshotFolder()) {}

  /** The file name of a key: a hash, so any text (migration names, checksums) can be a key. */
  fileOf(key: string): string {
    const hash = createHash('sha256').update(`${FORMAT}\n${key}`).digest('hex').slice(0, 32);
    return join(this.folder, `${hash}.tar`);
  }

  async load(key: string): Promise<Blob | undefined> {
    try {
      return new Blob([await readFile(this.fileOf(key))]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Writes the snapshot of `key`; failing to (a read-only disk) only costs speed later. */
  async save(key: string, snapshot: Blob): Promise<void> {
    const file = this.fileOf(key);
    const partial = `${file}.${process.pid}.${Date.now()}.partial`;
    try {
      await mkdir(this.folder, { recursive: true, mode: 0o700 });
      await writeFile(partial, Buffer.from(await snapshot.arrayBuffer()), { mode: 0o600 });
      await rename(partial, file);
    } catch {
      await rm(partial, { force: true }).catch(() => undefined);
    }
  }

  async forget(key: string): Promise<void> {
    await rm(this.fileOf(key), { force: true });
  }
}

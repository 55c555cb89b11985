import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
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

/** Snapshots kept by default: each is about 40 MB, and every new set of migrations adds one. */
const DEFAULT_KEEP = 12;

/**
 * Data directories of in-memory PGlite databases kept on disk by content key, so that a new
 * database starts from a copy instead of running `initdb` (and its migrations) again — in
 * this process, other test workers, and later runs. A snapshot is written once, atomically
 * (a reader sees a whole file or none), and one that fails to load is deleted by its reader.
 * Only the `keep` most recently used snapshots stay: loading one marks it used.
 */
export class PgliteSnapshotCache {
  constructor(
    readonly folder: string = defaultSnapshotFolder(),
    readonly keep: number = DEFAULT_KEEP,
  ) {
    if (!Number.isSafeInteger(keep) || keep < 1) {
      throw new TypeError(`A snapshot cache keeps at least one snapshot, not ${keep}`);
    }
  }

  /** The file name of a key: a hash, so any text (migration names, checksums) can be a key. */
  fileOf(key: string): string {
    const hash = createHash('sha256').update(`${FORMAT}\n${key}`).digest('hex').slice(0, 32);
    return join(this.folder, `${hash}.tar`);
  }

  async load(key: string): Promise<Blob | undefined> {
    const file = this.fileOf(key);
    try {
      const snapshot = new Blob([await readFile(file)]);
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return snapshot;
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
      await this.prune();
    } catch {
      await rm(partial, { force: true }).catch(() => undefined);
    }
  }

  /** Deletes all but the `keep` most recently used snapshots. */
  private async prune(): Promise<void> {
    const files = (await readdir(this.folder)).filter((name) => name.endsWith('.tar'));
    if (files.length <= this.keep) return;
    const used = await Promise.all(
      files.map(async (name) => {
        const path = join(this.folder, name);
        return { path, at: (await stat(path).catch(() => undefined))?.mtimeMs ?? 0 };
      }),
    );
    used.sort((a, b) => b.at - a.at);
    await Promise.all(used.slice(this.keep).map(({ path }) => rm(path, { force: true })));
  }

  async forget(key: string): Promise<void> {
    await rm(this.fileOf(key), { force: true });
  }
}

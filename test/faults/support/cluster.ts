import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Orm, type OrmOptions } from '../../../lib';
import { freePort } from '../../support/free-port';

const run = promisify(execFile);

let cachedBinDir: string | null | undefined;

/**
 * Why the fault suite cannot run here, or undefined when it can: it needs root (to run the
 * server as the `postgres` OS user and to signal its backends) and PostgreSQL's `initdb`.
 */
export function faultSuiteUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'they need root, to run PostgreSQL as the postgres user';
  if (!postgresUser()) return 'there is no postgres OS user';
  if (!binDir()) return 'initdb was not found (pg_config --bindir, /usr/lib/postgresql/*/bin)';
  return undefined;
}

/** Declares tests that need a cluster of their own; skipped (and so not passed) without one. */
export const describeWithCluster: jest.Describe = (
  faultSuiteUnavailable() ? describe.skip : describe
) as jest.Describe;

export function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** The folder of this machine's `initdb`, `pg_ctl` and `postgres`. */
export function binDir(): string | undefined {
  if (cachedBinDir !== undefined) return cachedBinDir ?? undefined;
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on the PATH
  }
  const versioned = '/usr/lib/postgresql';
  if (existsSync(versioned)) {
    const versions = readdirSync(versioned).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(versioned, version, 'bin')));
  }
  cachedBinDir =
    candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ??
    null;
  return cachedBinDir ?? undefined;
}

/**
 * A PostgreSQL cluster of the test's own, on a free port, in a temporary folder: it can be
 * restarted and its backends stopped or killed without touching any other database.
 */
export class Cluster {
  /** Connections opened through `connect`, closed by `destroy`. */
  protected readonly connections: Orm[] = [];

  protected constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** initdb + start; a few seconds. */
  static start(): Promise<Cluster> {
    return Cluster.create(
      'faults',
      (dataDir, port) => new Cluster(dataDir, port),
      async (cluster) => {
        await cluster.asPostgres('initdb', [
          '-D',
          join(cluster.dataDir, 'data'),
          '-A',
          'trust',
          '-U',
          'postgres',
          '--no-sync',
          '--no-instructions',
        ]);
        await cluster.startServer();
      },
    );
  }

  /**
   * A temporary folder the postgres user owns and a free port, made into a running cluster by
   * `init` (initdb, or a base backup of another); everything removed again when that fails.
   */
  protected static async create<C extends Cluster>(
    kind: string,
    make: (dataDir: string, port: number) => C,
    init: (cluster: C) => Promise<void>,
  ): Promise<C> {
    const user = postgresUser();
    if (!user || !binDir()) throw new Error(`No ${kind} cluster: ${faultSuiteUnavailable()}`);
    const dataDir = mkdtempSync(join(tmpdir(), `nar-${kind}-`));
    chownSync(dataDir, user.uid, user.gid);
    const cluster = make(dataDir, await freePort());
    try {
      await init(cluster);
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** Stops the server at once (no checkpoint), as a crash or a power cut would. */
  async stopImmediately(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'immediate']);
  }

  async startServer(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.dataDir}`,
      '-c fsync=off',
      '-c shared_buffers=16MB',
      '-c max_connections=40',
    ];
    await this.pgCtl('start', ['-o', options.join(' '), '-l', join(this.dataDir, 'server.log')]);
  }

  /** `pg_ctl restart -m immediate`: every connection is cut, the server comes back. */
  async restartImmediately(): Promise<void> {
    await this.pgCtl('restart', ['-m', 'immediate', '-l', join(this.dataDir, 'server.log')]);
  }

  /** Stops the server and deletes its folder. */
  /** An `Orm` on this cluster, closed with it. */
  async connect(options: Omit<OrmOptions, 'url'>): Promise<Orm> {
    const orm = await Orm.connect({ ...options, url: this.url });
    this.connections.push(orm);
    return orm;
  }

  /** Closes the connections opened through it, then stops the cluster and removes its files. */
  async destroy(): Promise<void> {
    for (const orm of this.connections.splice(0)) await orm.close().catch(() => undefined);
    await this.pgCtl('stop', ['-m', 'immediate']).catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Freezes a backend (`pg_backend_pid()`): its socket stays open, it answers nothing. */
  stopBackend(pid: number): void {
    process.kill(pid, 'SIGSTOP');
  }

  continueBackend(pid: number): void {
    process.kill(pid, 'SIGCONT');
  }

  /** Kills a backend outright; the server then resets every other session and recovers. */
  killBackend(pid: number): void {
    process.kill(pid, 'SIGKILL');
  }

  protected async pgCtl(action: string, args: string[]): Promise<void> {
    await this.asPostgres('pg_ctl', [action, '-D', join(this.dataDir, 'data'), '-w', ...args]);
  }

  // Asynchronous on purpose: the test's event loop keeps running (and its connections keep
  // reacting) while the server stops and starts.
  protected async asPostgres(program: string, args: string[]): Promise<void> {
    await run('runuser', ['-u', 'postgres', '--', join(binDir()!, program), ...args], {
      cwd: this.dataDir,
      timeout: 60_000,
    });
  }
}

import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);

/** The pgbouncer program on the PATH (Debian puts it in /usr/sbin), or undefined. */
function pgbouncerProgram(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    const candidate = join(dir, 'pgbouncer');
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

let cachedProgram: string | null | undefined;
function program(): string | undefined {
  if (cachedProgram === undefined) cachedProgram = pgbouncerProgram() ?? null;
  return cachedProgram ?? undefined;
}

/** The uid/gid PgBouncer runs as when we are root (it refuses to run as root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** Why PgBouncer cannot be started here, or undefined when it can. */
export function pgbouncerUnavailable(): string | undefined {
  if (!program()) return 'pgbouncer is not installed (apt-get install pgbouncer)';
  if (process.getuid?.() === 0 && !postgresUser()) {
    return 'pgbouncer refuses to run as root and there is no postgres OS user';
  }
  return undefined;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Where PgBouncer sends its server connections. */
export interface PgBouncerUpstream {
  host: string;
  port: number;
}

/**
 * PgBouncer in transaction pooling mode on a free port, in front of a PostgreSQL server:
 * every database name is passed through (`* = host=… port=…`), trust authentication for the
 * users listed (as the server's own). Its config, log and pid file live in a temporary folder
 * removed by `stop()`.
 */
export class PgBouncer {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `postgres://<user>@127.0.0.1:<port>/<database>?pgbouncer=true`. */
  url(database: string, user = 'postgres'): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}?pgbouncer=true`;
  }

  /** The server named by a `postgres://` url, as PgBouncer's upstream. */
  static upstreamOf(url: string): PgBouncerUpstream {
    const parsed = new URL(url);
    return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 5432) };
  }

  static async start(
    upstream: PgBouncerUpstream,
    options: { poolSize?: number; users?: string[]; ignoreStartupParameters?: string[] } = {},
  ): Promise<PgBouncer> {
    const unavailable = pgbouncerUnavailable();
    if (unavailable) throw new Error(`No PgBouncer: ${unavailable}`);
    const dir = mkdtempSync(join(tmpdir(), 'nar-pgbouncer-'));
    const bouncer = new PgBouncer(dir, await freePort());
    const users = options.users ?? ['postgres'];
    writeFileSync(join(dir, 'users.txt'), users.map((u) => `"${u}" ""\n`).join(''));
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${upstream.host} port=${upstream.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${bouncer.port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        'max_client_conn = 2000',
        `default_pool_size = ${options.poolSize ?? 20}`,
        // Pools of databases that tests drop must not keep server connections for long.
        'server_idle_timeout = 5',
        'server_lifetime = 60',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        `admin_users = ${users[0]}`,
        `ignore_startup_parameters = ${(options.ignoreStartupParameters ?? []).join(',')}`,
        '',
      ].join('\n'),
    );
    const user = process.getuid?.() === 0 ? postgresUser() : undefined;
    if (user) chownSync(dir, user.uid, user.gid);
    try {
      const args = ['-d', join(dir, 'pgbouncer.ini')];
      if (user) await run('runuser', ['-u', 'postgres', '--', program()!, ...args]);
      else await run(program()!, args);
      const started = Date.now();
      while (!(await accepts(bouncer.port))) {
        if (Date.now() - started > 10_000) {
          throw new Error(`PgBouncer did not listen within 10 s:\n${bouncer.log()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (error) {
      await bouncer.stop();
      throw error;
    }
    return bouncer;
  }

  /** Its log so far (for failure messages). */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'pgbouncer.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops it (SIGINT: at once, closing every connection) and removes its folder. */
  async stop(): Promise<void> {
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(join(this.dir, 'pgbouncer.pid'), 'utf8').trim());
    } catch {
      // never started
    }
    if (pid) {
      try {
        process.kill(pid, 'SIGINT');
        const started = Date.now();
        while (Date.now() - started < 5_000) {
          process.kill(pid, 0);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } catch {
        // gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/free-port';
import { sleep } from './fault-helpers';

// The sample app resolves its migrations folder from the working directory, as `npm start` does:
// everything here runs from the repository root.
const root = process.cwd();

/** How the sample app process ended, when it did. */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `Date.now()` when it ended. */
  at: number;
}

/**
 * The sample app (`npm start`) as a child process on a port of its own, its output in a log
 * file: a pipe nobody reads would fill up under load and freeze the app.
 */
export class SampleAppProcess {
  /** Set once the process has ended: under test, any end is a death. */
  exit?: AppExit;

  private constructor(
    private readonly child: ChildProcess,
    readonly base: string,
    private readonly logDir: string,
  ) {
    child.once('exit', (code, signal) => (this.exit = { code, signal, at: Date.now() }));
  }

  /** Starts the app on `databaseUrl`; resolves once it answers `GET /api/tags`. */
  static async start(databaseUrl: string, readyWithinMs = 90_000): Promise<SampleAppProcess> {
    if (!existsSync(join(root, 'sample-app/src/main.ts'))) {
      throw new Error(`Run from the repository root (no sample-app/src/main.ts in ${root})`);
    }
    const port = await freePort();
    const logDir = mkdtempSync(join(tmpdir(), 'nar-sample-app-'));
    const log = openSync(join(logDir, 'app.log'), 'a');
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '-r',
        './sample-app/register-typescript.cjs',
        'sample-app/src/main.ts',
      ],
      { cwd: root, env: appEnvironment(databaseUrl, port), stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const app = new SampleAppProcess(child, `http://127.0.0.1:${port}`, logDir);
    try {
      await app.waitUntilServing(readyWithinMs);
    } catch (error) {
      await app.stop();
      throw error;
    }
    return app;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** The last lines the app wrote. */
  logTail(lines = 30): string {
    return this.logLines().slice(-lines).join('\n');
  }

  /** Distinct error messages the app logged, with how often, most frequent first. */
  loggedErrors(): Array<{ message: string; count: number }> {
    const counts = new Map<string, number>();
    for (const line of this.logLines()) {
      const match = /\bERROR\b\s*(?:\[[^\]]*\]\s*)?(.*)$/.exec(line);
      if (!match) continue;
      const message = match[1]!.trim().slice(0, 200);
      counts.set(message, (counts.get(message) ?? 0) + 1);
    }
    return [...counts]
      .map(([message, count]) => ({ message, count }))
      .sort((a, b) => b.count - a.count);
  }

  /** Where the app's output goes. */
  get logFile(): string {
    return join(this.logDir, 'app.log');
  }

  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`; removes the log unless kept. */
  async stop({ graceMs = 10_000, keepLog = false } = {}): Promise<void> {
    if (this.alive) {
      const ended = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await ended;
      clearTimeout(killer);
    }
    if (!keepLog) rmSync(this.logDir, { recursive: true, force: true });
  }

  /** Kills the process at once; for exit handlers, which cannot wait. */
  killNow(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  private async waitUntilServing(withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      if (!this.alive) {
        throw new Error(`The sample app exited (${describeExit(this.exit!)}):\n${this.logTail()}`);
      }
      const answer = await fetch(`${this.base}/api/tags`).catch(() => undefined);
      if (answer?.ok) return;
      await sleep(200);
    }
    throw new Error(`The sample app did not answer within ${withinMs} ms:\n${this.logTail()}`);
  }

  private logLines(): string[] {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n');
    } catch {
      return [];
    }
  }
}

function appEnvironment(databaseUrl: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    // As deployed: without N+1 detection, whose warnings would flood the log under load.
    NODE_ENV: 'production',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  // Jest's and npm's settings are not the app's.
  delete env.NODE_OPTIONS;
  delete env.JEST_WORKER_ID;
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return env;
}

export function describeExit(exit: AppExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** Registers a fresh user; returns their token. */
export async function registerUser(base: string): Promise<string> {
  const name = `loader${Date.now()}`;
  const answer = await fetch(`${base}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      user: { username: name, email: `${name}@example.com`, password: 'load-test-password' },
    }),
  });
  const body = (await answer.json()) as { user?: { token?: string } };
  if (!answer.ok || !body.user?.token) {
    throw new Error(`Registration failed (${answer.status}): ${JSON.stringify(body)}`);
  }
  return body.user.token;
}

// ---------------------------------------------------------------------------------------------
// The scenario: HTTP load on the app, a PostgreSQL restart in the middle.
// ---------------------------------------------------------------------------------------------

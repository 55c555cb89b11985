import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../../support/free-port';
import type { NodeRuntime } from './node-runtime';

/** What a command printed and how it ended. */
export interface CommandResult {
  code: number;
  output: string;
}

/** An HTTP answer: status and parsed JSON body (undefined when empty). */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/**
 * A Nest app as `nest new` writes it (the `application` schematic of @nestjs/schematics), its
 * dependencies installed from the registry and this package from its packed tarball, run with
 * one Node.js release: every command goes through that release's `node`.
 */
export class GeneratedApp {
  private server?: ChildProcess;

  private constructor(
    readonly dir: string,
    private readonly parent: string,
    private readonly node: NodeRuntime,
  ) {}

  static async create(options: {
    kind: 'esm' | 'cjs';
    node: NodeRuntime;
    tarball: string;
    root: string;
  }): Promise<GeneratedApp> {
    const parent = mkdtempSync(join(tmpdir(), `nest-${options.kind}-app-`));
    const app = new GeneratedApp(join(parent, 'app'), parent, options.node);
    const created = await app.exec(
      process.execPath,
      [join(options.root, 'test/apps/support/new-nest-app.cjs'), parent, 'app', options.kind],
      { cwd: parent, env: { NODE_PATH: join(options.root, 'node_modules') } },
    );
    if (created.code !== 0) throw new Error(`The application schematic failed:\n${created.output}`);
    const installed = await app.run('npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ]);
    if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.output}`);
    const tarball = await app.run('npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      options.tarball,
    ]);
    if (tarball.code !== 0) throw new Error(`Installing the package failed:\n${tarball.output}`);
    return app;
  }

  /** Runs a command in the app folder with this app's Node.js first on the PATH. */
  run(
    command: string,
    args: string[],
    env: Record<string, string | undefined> = {},
  ): Promise<CommandResult> {
    return this.exec(command, args, { cwd: this.dir, env });
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  /** Starts `node dist/main.js` (what `npm run start:prod` runs); resolves once it answers. */
  async start(env: Record<string, string | undefined>): Promise<string> {
    const port = await freePort('::');
    const output: string[] = [];
    this.server = spawn(join(this.node.binDir, 'node'), ['dist/main.js'], {
      cwd: this.dir,
      env: this.environment({ ...env, PORT: String(port) }),
    });
    this.server.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    this.server.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    let running = true;
    const exited = new Promise<never>((_, reject) =>
      this.server!.once('exit', (code) => {
        running = false;
        reject(new Error(`The app exited with ${code}:\n${plain(output.join(''))}`));
      }),
    );
    const base = `http://127.0.0.1:${port}`;
    const ready = (async () => {
      for (let attempt = 0; attempt < 600 && running; attempt++) {
        const answer = await fetch(base).catch(() => undefined);
        if (answer) return base;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`The app did not answer within 60 s:\n${plain(output.join(''))}`);
    })();
    return Promise.race([ready, exited]);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.parent, { recursive: true, force: true });
  }

  private environment(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
    const merged: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${this.node.binDir}${delimiter}${process.env.PATH ?? ''}`,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      CI: '1',
      DATABASE_URL: undefined,
      // Jest's and npm's own settings are not the app's.
      NODE_OPTIONS: undefined,
      NODE_ENV: undefined,
      JEST_WORKER_ID: undefined,
      ...env,
    };
    for (const key of Object.keys(merged)) {
      if (key.startsWith('npm_')) delete merged[key];
      if (merged[key] === undefined) delete merged[key];
    }
    return merged;
  }

  private exec(
    command: string,
    args: string[],
    options: { cwd: string; env: Record<string, string | undefined> },
  ): Promise<CommandResult> {
    return new Promise((resolve) => {
      execFile(
        command,
        args,
        { cwd: options.cwd, env: this.environment(options.env), maxBuffer: 100_000_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, output: plain(`${stdout}${stderr}`) });
        },
      );
    });
  }
}

/** Sends JSON and reads JSON. */
export async function http(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const answer = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

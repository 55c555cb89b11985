import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, PgliteDriver } from '../../lib';

// Jest runs from the package root (npm test).
const root = process.cwd();
const lockFile = (dir: string) => join(dir, '.nest-ar.lock');

/**
 * A second Node process that opens `dataDir` through the package and prints one JSON line:
 * `{ opened: true, locked }` (then holds the directory until killed, or exits at once with `exit`), or
 * the error it got.
 */
function openInChild(
  work: string,
  dataDir: string,
  then: 'hold' | 'exit',
): { child: ChildProcess; line: Promise<Record<string, unknown>> } {
  const script = join(work, 'pglite-holder.js');
  writeFileSync(
    script,
    `const { PgliteDriver } = require(${JSON.stringify(join(root, 'lib/index.ts'))});
const driver = new PgliteDriver({ dataDir: process.env.HOLD_DIR });
driver.connect().then(
  async () => {
    await driver.query('select 1', []);
    const locked = require('node:fs').existsSync(require('node:path').join(process.env.HOLD_DIR, '.nest-ar.lock'));
    console.log(JSON.stringify({ opened: true, locked }));
    if (process.env.HOLD_THEN === 'exit') process.exit(0); // without close()
    setInterval(() => undefined, 1000);
  },
  (e) => { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, holder: e.holder })); process.exit(3); },
);
`,
  );
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'node_modules/ts-node/register/transpile-only'), script],
    {
      env: {
        ...process.env,
        HOLD_DIR: dataDir,
        HOLD_THEN: then,
        TS_NODE_PROJECT: join(root, 'tsconfig.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const first = out.split('\n').find((l) => l.startsWith('{'));
      if (first && out.includes('\n')) resolve(JSON.parse(first) as Record<string, unknown>);
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) first: ${stderr}`)));
  });
  return { child, line };
}

describe('a PGlite dataDir is held by one driver in one process', () => {
  let work: string;
  let dataDir: string;
  const children: ChildProcess[] = [];
  const drivers: PgliteDriver[] = [];
  const driver = (dir = dataDir) => {
    const created = new PgliteDriver({ dataDir: dir });
    drivers.push(created);
    return created;
  };

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'nest-ar-lock-'));
    dataDir = join(work, 'data');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const open of drivers.splice(0)) await open.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a second driver in the same process is refused, and opens once the first closes', async () => {
    const first = driver();
    await first.connect();
    await first.query('create table notes (text text)', []);
    await first.query(`insert into notes values ('kept')`, []);

    const second = driver(join(dataDir, '.')); // another spelling of the same folder
    const error = await second.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error).toMatchObject({
      code: 'DATA_DIR_LOCKED',
      holder: { pid: process.pid, sameProcess: true },
    });
    expect((error as Error).message).toMatch(
      /in use by another PgliteDriver in this process \(pid \d+\).*Close that Orm/,
    );

    await first.close();
    expect(existsSync(lockFile(dataDir))).toBe(false);
    await second.connect();
    expect((await second.query('select text from notes', [])).rows).toEqual([{ text: 'kept' }]);
  });

  it('another process is refused with the holder named, both ways, and takes over a SIGKILLed holder', async () => {
    // This process holds; a child process tries.
    const mine = driver();
    await mine.connect();
    const refused = openInChild(work, dataDir, 'hold');
    children.push(refused.child);
    const answer = await refused.line;
    expect(answer).toMatchObject({
      name: 'DataDirLockedError',
      code: 'DATA_DIR_LOCKED',
      holder: { pid: process.pid, sameProcess: false },
    });
    expect(answer.message).toMatch(new RegExp(`in use by process ${process.pid} \\(`));
    expect(answer.message).toMatch(/stop that process .*another dataDir/);
    await mine.close();

    // A child holds; this process tries, then kills it.
    const holder = openInChild(work, dataDir, 'hold');
    children.push(holder.child);
    expect(await holder.line).toEqual({ opened: true, locked: true });
    const error = await driver()
      .connect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).holder).toMatchObject({
      pid: holder.child.pid,
      sameProcess: false,
    });
    expect((error as DataDirLockedError).holder.command).toMatch(/pglite-holder\.js/);
    expect((error as Error).message).toMatch(
      new RegExp(`in use by process ${holder.child.pid} \\(.*pglite-holder\\.js`),
    );

    holder.child.kill('SIGKILL');
    await once(holder.child, 'exit');
    // The dead holder's lock file is still there; its pid is not alive, so it is taken over.
    expect(JSON.parse(readFileSync(lockFile(dataDir), 'utf8'))).toMatchObject({
      pid: holder.child.pid,
    });
    const next = driver();
    await next.connect();
    expect(JSON.parse(readFileSync(lockFile(dataDir), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    expect((await next.query('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
    // Two Node processes start and open PGlite, and this one opens it three times: ~18 s on an
    // idle machine of two cores, more while other suites share them.
  }, 90_000);

  it('a process that exits without closing its driver leaves no lock behind', async () => {
    const exiting = openInChild(work, dataDir, 'exit');
    children.push(exiting.child);
    expect(await exiting.line).toEqual({ opened: true, locked: true });
    await once(exiting.child, 'exit');
    expect(existsSync(lockFile(dataDir))).toBe(false);
  });

  it('a lock whose pid now belongs to another process (pid reuse) is taken over', async () => {
    if (process.platform !== 'linux') return; // start times come from /proc
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)']);
    children.push(stranger);
    await once(stranger, 'spawn');
    mkdirSync(dataDir);
    writeFileSync(
      lockFile(dataDir),
      JSON.stringify({
        pid: stranger.pid,
        startTime: '1', // the dead holder's start time, not the stranger's
        token: 'dead-holder',
        command: 'node old-holder.js',
        since: new Date(0).toISOString(),
      }),
    );
    await driver().connect();
    expect(JSON.parse(readFileSync(lockFile(dataDir), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
  });

  it('in-memory databases take no lock', async () => {
    await driver('memory://').connect();
    await driver('memory://').connect();
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A Node.js release to run an app with: the folder of its `node` binary. */
export interface NodeRuntime {
  major: number;
  version: string;
  binDir: string;
}

/**
 * Node `major`: this process's own when it is that release, else the official binary that the
 * npm package `node-<platform>-<arch>@<major>` carries, installed once into node_modules/.cache.
 */
export async function nodeRuntime(major: number, root: string): Promise<NodeRuntime> {
  if (Number(process.versions.node.split('.')[0]) === major) {
    return { major, version: process.version, binDir: dirname(process.execPath) };
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(root, 'node_modules/.cache/node-runtimes', String(major));
  const binary = join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(binary)) {
    await exec(
      'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        '--prefix',
        prefix,
        `${pkg}@${major}`,
      ],
      { maxBuffer: 10_000_000 },
    );
  }
  const { stdout } = await exec(binary, ['--version']);
  return { major, version: stdout.trim(), binDir: dirname(binary) };
}

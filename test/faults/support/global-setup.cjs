// Says once, before the fault suite, whether it runs: it starts PostgreSQL clusters of its own,
// which needs root (to run them as the postgres user and signal their backends) and initdb.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

function initdbFound() {
  const dirs = [];
  try {
    dirs.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on the PATH
  }
  if (existsSync('/usr/lib/postgresql')) {
    dirs.push(
      ...readdirSync('/usr/lib/postgresql').map((v) => join('/usr/lib/postgresql', v, 'bin')),
    );
  }
  return dirs.find((dir) => existsSync(join(dir, 'initdb')));
}

module.exports = async function globalSetup() {
  const bin = initdbFound();
  if (process.getuid && process.getuid() === 0 && bin) {
    console.log(`\nFault tests run on PostgreSQL clusters of their own (${bin}).`);
  } else {
    console.log(
      `\nThe fault tests were NOT run: they need root and initdb (${
        bin ? 'not root' : 'initdb not found'
      }); they are reported as skipped.`,
    );
  }
};

/**
 * The server half of the integration suite (every test named `[postgres]`) through PgBouncer
 * in transaction pooling mode, as services deploy it: PgBouncer starts on a free port in front
 * of the server named by DATABASE_URL, and jest's default project runs with DATABASE_URL
 * pointing at it (`?pgbouncer=true`) and TEST_DATABASES=postgres, so PGlite is not run again.
 * Each test file gets a database of its own there (test/support/server-schema.ts).
 *
 * `npm run test:pgbouncer` (part of `npm test`, a stage of .ci/run; without DATABASE_URL or
 * PgBouncer it says so and runs nothing, unless REQUIRE_PGBOUNCER is set); extra arguments go to jest (flags: a path
 * pattern would be one more alternative to the selection, not a narrowing of it).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PgBouncer, pgbouncerUnavailable } from './pgbouncer';

/**
 * Files left out, each for a reason of its nature: they test session features that
 * transaction pooling cannot offer.
 */
const excluded: Array<[file: string, reason: string]> = [
  [
    'test/testing/setup-file.test.ts',
    "the testing kit's per-worker schema is a search_path set at connect, which PgBouncer " +
      'does not pass (the kit refuses a PgBouncer url and says so; tested on the server directly)',
  ],
];

/** The test files of the default project (test/, without the other projects' folders). */
function testFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['apps', 'faults', 'define-fields'].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith('.test.ts')) {
        files.push(relative(process.cwd(), path));
      }
    }
  };
  walk(join(process.cwd(), 'test'));
  return files.sort();
}

/**
 * Files that can have tests on the server: they declare them per database, on the server, or
 * name it. Loading the others only to skip every test costs most of a minute.
 */
function serverTestFiles(): string[] {
  const leftOut = new Set(excluded.map(([file]) => file));
  return testFiles().filter(
    (file) =>
      !leftOut.has(file) &&
      /describeEachDatabase|describeOnServer|postgres/.test(readFileSync(file, 'utf8')),
  );
}

/** Files with tests declared by `itOnSession`, which skip themselves through PgBouncer. */
function sessionTests(): Array<[file: string, count: number]> {
  return testFiles()
    .map((file): [string, number] => [
      file,
      readFileSync(file, 'utf8').split('itOnSession(').length - 1,
    ])
    .filter(([, count]) => count > 0);
}

async function main(): Promise<number> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    console.log('Server tests through PgBouncer not run: DATABASE_URL names no server.');
    return 0;
  }
  const unavailable = pgbouncerUnavailable();
  if (unavailable) {
    // CI installs PgBouncer and sets REQUIRE_PGBOUNCER, so there a missing one fails the run.
    console.log(`Server tests through PgBouncer not run: ${unavailable}.`);
    return process.env.REQUIRE_PGBOUNCER ? 1 : 0;
  }
  const parsed = new URL(server);
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
  const bouncer = await PgBouncer.start(PgBouncer.upstreamOf(server), { users: [user] });
  console.log(`PgBouncer (transaction pooling) on port ${bouncer.port} in front of the server.`);
  for (const [file, reason] of excluded) console.log(`Left out: ${file}: ${reason}`);
  for (const [file, count] of sessionTests()) {
    console.log(
      `Skipped there: ${count} test(s) of session features in ${file} (why: in their titles)`,
    );
  }
  try {
    return await new Promise<number>((resolve) => {
      const jest = spawn(
        process.execPath,
        [
          '--experimental-vm-modules',
          'node_modules/jest/bin/jest.js',
          '--selectProjects',
          'default',
          '--testNamePattern',
          '\\[postgres\\]',
          `(^|/)(${serverTestFiles()
            .map((file) => file.replace(/[.]/g, '\\.'))
            .join('|')})$`,
          ...process.argv.slice(2),
        ],
        {
          stdio: 'inherit',
          env: {
            ...process.env,
            DATABASE_URL: bouncer.url(database, user),
            TEST_DATABASES: 'postgres',
          },
        },
      );
      jest.once('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    await bouncer.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

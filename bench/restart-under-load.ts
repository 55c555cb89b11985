/**
 * The sample app under HTTP load (1,000 concurrent connections, article writes mixed with
 * reads) while its PostgreSQL server restarts (`pg_ctl restart -m immediate`). Reports process
 * deaths, acknowledged writes missing from the database afterwards, the status codes clients saw
 * during the outage, and how long until the app served again. Exits 1 on a death or a lost
 * write, 2 when it cannot run here.
 *
 * It starts a PostgreSQL cluster of its own, as the fault tests do (root and initdb needed),
 * and the app as a child process against it, the way `npm start` runs it (NODE_ENV=production).
 * Run from the repository root:
 *
 *   npm run bench:restart
 *   # = ts-node --transpile-only bench/restart-under-load.ts, as `npm run bench`
 *
 * Settings (environment): CONNECTIONS (1000), DURATION_S (25), RESTART_AFTER_MS (10000),
 * REQUEST_TIMEOUT_S (30); KEEP_APP_LOG=1 keeps the app's log (kept anyway after a failure).
 */
import type { Cluster } from '../test/faults/support/cluster';
import {
  formatReport,
  runRestartUnderLoad,
  type RestartUnderLoadOptions,
} from '../test/faults/support/restart-under-load';
import { SampleAppProcess } from '../test/faults/support/sample-app-process';

function numberFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number`);
  return parsed;
}

const options: RestartUnderLoadOptions = {
  connections: numberFromEnv('CONNECTIONS', 1000),
  durationSeconds: numberFromEnv('DURATION_S', 25),
  restartAfterMs: numberFromEnv('RESTART_AFTER_MS', 10_000),
  // Long enough that the app's own time bounds (pool acquire, query timeout), not the client's,
  // decide what a waiting request gets.
  requestTimeoutSeconds: numberFromEnv('REQUEST_TIMEOUT_S', 30),
  recoveryBoundMs: 30_000,
};

/**
 * The fault suite's cluster helpers. They pick Jest's `describe` as they load, so outside Jest
 * they get a stand-in first, and load through `require`, which runs where it is written (an
 * import would run before it).
 */
function clusterSupport(): typeof import('../test/faults/support/cluster') {
  const globals = globalThis as { describe?: unknown };
  globals.describe ??= Object.assign(() => undefined, { skip: () => undefined });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../test/faults/support/cluster');
}

let cluster: Cluster | undefined;
let app: SampleAppProcess | undefined;

async function cleanUp(keepLog = false): Promise<void> {
  await app?.stop({ keepLog }).catch(() => undefined);
  if (app && keepLog) console.log(`The app's log: ${app.logFile}`);
  await cluster?.destroy().catch(() => undefined);
}

// Interrupted (Ctrl-C): the app and the cluster must not outlive the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app?.killNow();
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const { Cluster, faultSuiteUnavailable } = clusterSupport();
  const unavailable = faultSuiteUnavailable();
  if (unavailable) {
    console.error(`Cannot run: ${unavailable}.`);
    return 2;
  }
  console.log(
    `${options.connections} connections for ${options.durationSeconds} s, ` +
      `PostgreSQL restart after ${options.restartAfterMs / 1000} s…`,
  );
  cluster = await Cluster.start();
  app = await SampleAppProcess.start(cluster.url);
  const report = await runRestartUnderLoad(cluster, app, options);
  console.log(formatReport(report));
  if (report.deaths > 0) console.log(`\nThe app's last output:\n${app.logTail()}`);
  return report.deaths > 0 || report.writes.lost.length > 0 ? 1 : 0;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    return 1;
  })
  .then(async (code) => {
    await cleanUp(code !== 0 || process.env.KEEP_APP_LOG === '1');
    process.exit(code);
  });

import { Cluster, describeWithCluster } from './support/cluster';
import {
  formatReport,
  runRestartUnderLoad,
  type RestartUnderLoadReport,
  type StatusCounts,
} from './support/restart-under-load';
import { SampleAppProcess } from './support/sample-app-process';

/** Every status the clients got, whatever the phase. */
function allStatuses(report: RestartUnderLoadReport): number[] {
  const { beforeRestart, duringOutage, afterwards } = report.statuses;
  const codes = (counts: StatusCounts) => Object.keys(counts).map(Number);
  return [...new Set([...codes(beforeRestart), ...codes(duringOutage), ...codes(afterwards)])];
}

// The sample app in a process of its own, as deployed; `npm run bench:restart` is the same
// scenario at 1,000 connections.
describeWithCluster('the sample app under load, through a PostgreSQL restart', () => {
  let cluster: Cluster;
  let app: SampleAppProcess;

  beforeAll(async () => {
    cluster = await Cluster.start();
    app = await SampleAppProcess.start(cluster.url, 45_000);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await cluster?.destroy();
  }, 30_000);

  it('stays up, keeps every acknowledged write, answers 503 while the database is away, and serves again', async () => {
    const report = await runRestartUnderLoad(cluster, app, {
      connections: 150,
      durationSeconds: 6,
      restartAfterMs: 2_500,
      requestTimeoutSeconds: 15,
      recoveryBoundMs: 15_000,
    });
    const context = `\n${formatReport(report)}\n\nThe app's last output:\n${app.logTail(15)}`;

    expect({ deaths: report.deaths, context }).toEqual({ deaths: 0, context });
    expect(report.writes.acknowledged).toBeGreaterThan(0);
    expect(report.writes.lost).toEqual([]);
    // Every answer is a success or a 503 (the database is unavailable): never a 500.
    const unexpected = allStatuses(report).filter((s) => (s < 200 || s >= 300) && s !== 503);
    expect({ unexpected, context }).toEqual({ unexpected: [], context });
    expect({ errors: report.requests.errors, context }).toEqual({ errors: 0, context });
    expect(report.restart.servingAgainAfterDatabaseMs).toBeDefined();
    expect(report.restart.servingAgainAfterDatabaseMs!).toBeLessThan(15_000);
    expect(report.statuses.afterwards).not.toEqual({});
  }, 40_000);
});

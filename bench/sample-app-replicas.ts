/**
 * The sample app with a read replica, under mixed HTTP load: what share of its reads the
 * replica serves while clients write. The app reads a request's own writes exactly (its
 * transactions run on the primary; `ReadYourWritesInterceptor` answers with the position), but
 * autocannon keeps no cookies, so no request here brings a position back.
 *
 * It starts a primary and a streaming replica of its own (root and initdb needed, as the fault
 * tests), seeds 10,000 articles, and runs the app with ORM_LOGGING=true: every statement is one
 * `[Orm]` log line, and a replica's line names it. Run from the repository root:
 *
 *   npx ts-node --transpile-only bench/sample-app-replicas.ts
 *
 * Settings (environment): DURATION_S (10), CONNECTIONS (20 readers, plus 4 writers).
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import type { Cluster } from '../test/faults/support/cluster';
import type { ReplicaCluster } from '../test/faults/support/replica-cluster';
import { registerUser, SampleAppProcess } from '../test/faults/support/sample-app-process';
import { loaderFollowsSeed, sampleAppSeed } from './sample-app-seed';

const durationSeconds = Number(process.env.DURATION_S ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 20);

type ClusterModule = typeof import('../test/faults/support/cluster');
type ReplicaModule = typeof import('../test/faults/support/replica-cluster');

/** The fault suite's cluster helpers, loaded after a stand-in for Jest's `describe`. */
function clusterSupport(): { cluster: ClusterModule; replica: ReplicaModule } {
  const globals = globalThis as { describe?: unknown };
  globals.describe ??= Object.assign(() => undefined, { skip: () => undefined });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cluster = require('../test/faults/support/cluster') as ClusterModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const replica = require('../test/faults/support/replica-cluster') as ReplicaModule;
  return { cluster, replica };
}

let primary: Cluster | undefined;
let replica: ReplicaCluster | undefined;
let app: SampleAppProcess | undefined;

async function main(): Promise<void> {
  const support = clusterSupport();
  const unavailable = support.cluster.faultSuiteUnavailable();
  if (unavailable) throw new Error(`Cannot start a primary and a replica: ${unavailable}`);
  primary = await support.cluster.Cluster.start();
  replica = await support.replica.ReplicaCluster.startFrom(primary);
  process.env.DATABASE_REPLICA_URLS = replica.url;
  process.env.ORM_LOGGING = 'true';
  app = await SampleAppProcess.start(primary.url);

  const admin = new Client({ connectionString: primary.url });
  await admin.connect();
  for (const statement of sampleAppSeed) await admin.query(statement);
  const token = await registerUser(app.base);
  await admin.query(loaderFollowsSeed);
  await admin.query('analyze');
  await admin.end();
  await replica.waitUntilStreaming(primary);
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const logged = readFileSync(app.logFile, 'utf8').length;
  const authorization = `Token ${token}`;
  const [readers, writers] = await Promise.all([
    autocannon({
      url: app.base,
      connections,
      duration: durationSeconds,
      requests: [
        { method: 'GET', path: '/api/articles?limit=20' },
        { method: 'GET', path: '/api/articles/feed', headers: { authorization } },
        { method: 'GET', path: '/api/tags' },
      ],
    }),
    autocannon({
      url: app.base,
      connections: 4,
      duration: durationSeconds,
      idReplacement: true,
      requests: [
        {
          method: 'POST',
          path: '/api/articles',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({
            article: { title: 'Replica [<id>]', description: 'd', body: 'b', tagList: ['t1'] },
          }),
        },
        // The same connection reads right after its write (without the position: see above).
        { method: 'GET', path: '/api/articles?limit=5', headers: { authorization } },
      ],
    }),
  ]);
  const lines = readFileSync(app.logFile, 'utf8').slice(logged).split('\n');
  const selects = lines.filter((l) => /\[Orm\] SELECT/.test(l) && !/pg_current_wal_lsn/.test(l));
  const onReplica = selects.filter((l) => / — replica /.test(l)).length;
  const positions = lines.filter((l) => /pg_current_wal_lsn/.test(l)).length;
  console.log(
    `sample app, ${durationSeconds} s: ${connections} reading connections ` +
      `(${readers.requests.average.toFixed(0)} requests/s, non-2xx ${readers.non2xx}, errors ${readers.errors}), ` +
      `4 writing ones (${writers.requests.average.toFixed(0)} requests/s, non-2xx ${writers.non2xx}, errors ${writers.errors})`,
  );
  console.log(
    `  ${selects.length} reads, ${onReplica} on the replica ` +
      `(${((100 * onReplica) / selects.length).toFixed(1)}%); ${positions} write positions noted`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await app?.stop().catch(() => undefined);
    await replica?.destroy().catch(() => undefined);
    await primary?.destroy().catch(() => undefined);
  });

/**
 * The sample app under HTTP load (autocannon, loopback, 20 connections, a bounded duration per
 * endpoint) next to a hand-written `pg` + `node:http` implementation of its list endpoint, in
 * the same run, on a schema of its own seeded with 10,000 articles (bench/sample-app-seed.ts).
 * Reports requests per second, p99 latency and statements per request.
 *
 * The hand-written server runs in a process of its own, as the app does. Statements per request
 * are counted beforehand on an instance started with ORM_LOGGING=true
 * (one `[Orm]` log line per statement), a few requests one at a time; the load runs on a second
 * instance without logging, started the way `npm start` runs it (NODE_ENV=production).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node --transpile-only bench/sample-app-load.ts
 *
 * Settings (environment): DURATION_S (10 per endpoint, after 2 s of warm-up), CONNECTIONS (20),
 * KEEP_SCHEMA=1 keeps the schema (`bench_sample_app_load`).
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { registerUser, SampleAppProcess } from '../test/faults/support/sample-app-process';
import { loaderFollowsSeed, sampleAppSeed } from './sample-app-seed';

const schema = 'bench_sample_app_load';
const durationSeconds = Number(process.env.DURATION_S ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 20);

interface Endpoint {
  name: string;
  base: () => string;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** `[<id>]` becomes a unique id per request (autocannon's idReplacement). */
  body?: string;
  statementsPerRequest?: number;
}

interface Measured {
  endpoint: Endpoint;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(endpoint: Endpoint, seconds: number): Promise<Measured> {
  const result = await autocannon({
    url: `${endpoint.base()}${endpoint.path}`,
    method: endpoint.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...endpoint.headers },
    body: endpoint.body,
    idReplacement: endpoint.body !== undefined,
    connections,
    duration: seconds,
  });
  return {
    endpoint,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Statements the app logged while it answered `times` requests one at a time. */
async function countStatements(app: SampleAppProcess, endpoint: Endpoint, times = 3) {
  const before = readFileSync(app.logFile, 'utf8').length;
  for (let k = 0; k < times; k++) {
    const answer = await fetch(`${app.base}${endpoint.path}`, {
      method: endpoint.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...endpoint.headers },
      body: endpoint.body?.replace('[<id>]', `counted-${k}-${Date.now()}`),
    });
    if (!answer.ok) throw new Error(`${endpoint.name}: ${answer.status} ${await answer.text()}`);
    await answer.arrayBuffer();
  }
  const logged = readFileSync(app.logFile, 'utf8').slice(before);
  return (logged.match(/\[Orm\] /g) ?? []).length / times;
}

/**
 * The hand-written list server in a process of its own, loaded as the sample app is (swc's
 * hook: ts-node would load Node's `domain`, whose async hook slows every promise); resolves
 * with it and its address.
 */
async function startHandWritten(
  databaseUrl: string,
): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      `${__dirname}/../sample-app/register-typescript.cjs`,
      `${__dirname}/hand-written-list-server.ts`,
    ],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, base: line.toString().trim() };
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    console.error('Set DATABASE_URL to a PostgreSQL server (a schema of its own is created).');
    process.exit(2);
  }
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.query(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const databaseUrl = url.toString();

  let app: SampleAppProcess | undefined;
  let handWritten: { child: ChildProcess; base: string } | undefined;
  try {
    // First instance: applies the migrations, then counts statements with logging on.
    process.env.ORM_LOGGING = 'true';
    app = await SampleAppProcess.start(databaseUrl);
    await admin.query(`set search_path = ${schema}`);
    for (const statement of sampleAppSeed) await admin.query(statement);
    const token = await registerUser(app.base);
    await admin.query(loaderFollowsSeed);
    await admin.query('analyze');
    handWritten = await startHandWritten(databaseUrl);

    const current = () => app!.base;
    const endpoints: Endpoint[] = [
      {
        name: 'GET /api/articles?limit=20 (sample app)',
        base: current,
        path: '/api/articles?limit=20',
      },
      {
        name: 'GET /api/articles?limit=20 (hand-written pg)',
        base: () => handWritten!.base,
        path: '/api/articles?limit=20',
        statementsPerRequest: 2,
      },
      {
        name: 'GET /api/articles/feed (authenticated)',
        base: current,
        path: '/api/articles/feed',
        headers: { authorization: `Token ${token}` },
      },
      {
        name: 'POST /api/articles',
        base: current,
        path: '/api/articles',
        method: 'POST',
        headers: { authorization: `Token ${token}` },
        body: JSON.stringify({
          article: { title: 'Load [<id>]', description: 'd', body: 'b', tagList: ['tag1', 'tag2'] },
        }),
      },
    ];

    // The floor must answer what the app answers.
    const fromApp = await (await fetch(`${app.base}/api/articles?limit=20`)).json();
    const fromPg = await (await fetch(`${handWritten.base}/api/articles?limit=20`)).json();
    if (!isDeepStrictEqual(fromApp, fromPg)) {
      throw new Error(
        `The hand-written list differs from the app's:\n${JSON.stringify(fromApp).slice(0, 600)}\n${JSON.stringify(fromPg).slice(0, 600)}`,
      );
    }
    for (const endpoint of endpoints)
      if (endpoint.statementsPerRequest === undefined)
        endpoint.statementsPerRequest = await countStatements(app, endpoint);
    await app.stop();

    delete process.env.ORM_LOGGING;
    app = await SampleAppProcess.start(databaseUrl);
    console.log(
      `autocannon, ${connections} connections, ${durationSeconds} s per endpoint after 2 s of warm-up; ` +
        `PostgreSQL ${base.replace(/\/\/[^@]*@/, '//')}, 10,000 articles`,
    );
    const measured: Measured[] = [];
    for (const endpoint of endpoints) {
      await load(endpoint, 2);
      measured.push(await load(endpoint, durationSeconds));
    }
    console.log('| endpoint | requests/s | p99 ms | statements/request | non-2xx | errors |');
    console.log('|---|---|---|---|---|---|');
    for (const m of measured)
      console.log(
        `| ${m.endpoint.name} | ${m.requestsPerSecond.toFixed(0)} | ${m.p99Ms} | ` +
          `${m.endpoint.statementsPerRequest} | ${m.non2xx} | ${m.errors} |`,
      );
  } finally {
    await app?.stop().catch(() => undefined);
    handWritten?.child.kill('SIGTERM');
    if (!process.env.KEEP_SCHEMA) await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

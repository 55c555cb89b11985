import autocannon from 'autocannon';
import type { Cluster } from './cluster';
import { asAdmin, sleep } from './fault-helpers';
import {
  describeExit,
  registerUser,
  type AppExit,
  type SampleAppProcess,
} from './sample-app-process';

export interface RestartUnderLoadOptions {
  /** Concurrent HTTP connections, each sending its next request once answered. */
  connections: number;
  durationSeconds: number;
  /** When the restart begins, from the start of the load. */
  restartAfterMs: number;
  /** A request unanswered this long counts as a timeout (autocannon then reconnects). */
  requestTimeoutSeconds: number;
  /** How long to keep waiting, after the load, for the app to serve again. */
  recoveryBoundMs: number;
}

/** Responses by status code, e.g. `{ 201: 900, 503: 40 }`. */
export type StatusCounts = Record<number, number>;

export interface RestartUnderLoadReport {
  requests: {
    /** Requests sent by the load (autocannon). */
    sent: number;
    answered: number;
    ok: number;
    notOk: number;
    /** Connection errors and timeouts (no HTTP answer). */
    errors: number;
    timeouts: number;
  };
  /** Status codes of the load's answers, by when they arrived. */
  statuses: { beforeRestart: StatusCounts; duringOutage: StatusCounts; afterwards: StatusCounts };
  latencyMs: { p50: number; p99: number; max: number };
  /** The app process ended during the run (it must not). */
  deaths: number;
  exit?: AppExit;
  writes: {
    /** Articles the app answered 2xx for. */
    acknowledged: number;
    /** Acknowledged titles missing from the database (or stored under another slug). */
    lost: string[];
    /** Writes answered with an error status. */
    refused: number;
    /**
     * Of those, the ones in the database all the same, by the status answered: the commit went
     * through, then the connection was lost before the answer was ready.
     */
    refusedButStored: StatusCounts;
    /** Articles in the database whose request got no answer (cut off when the load ended). */
    storedUnanswered: number;
  };
  restart: {
    /** `pg_ctl restart -m immediate`, until the server accepts connections again. */
    databaseDownMs: number;
    /**
     * From the start of the restart to the first 2xx answer (GET /api/tags, polled every 50 ms)
     * sent after the restart began and received after the database was back; undefined if none.
     */
    servingAgainMs?: number;
    /** The same, counted from when the database was back. */
    servingAgainAfterDatabaseMs?: number;
  };
  /** Distinct errors the app logged, most frequent first (at most 8). */
  appErrors: Array<{ message: string; count: number }>;
}

interface Poll {
  sentAt: number;
  doneAt: number;
  ok: boolean;
}

/** Answers, each with when it arrived, to split them by phase afterwards. */
class AnswerLog {
  readonly answers: Array<{ at: number; status: number }> = [];

  record(status: number): void {
    this.answers.push({ at: Date.now(), status });
  }

  countBetween(from: number, to: number): StatusCounts {
    const counts: StatusCounts = {};
    for (const { at, status } of this.answers) {
      if (at >= from && at < to) counts[status] = (counts[status] ?? 0) + 1;
    }
    return counts;
  }
}

/**
 * Runs load (article writes with unique titles, mixed with reads) on the app, restarts the
 * cluster `restartAfterMs` into it, and reports what clients saw and what the database kept.
 */
export async function runRestartUnderLoad(
  cluster: Cluster,
  app: SampleAppProcess,
  options: RestartUnderLoadOptions,
): Promise<RestartUnderLoadReport> {
  const token = await registerUser(app.base);
  const titlePrefix = `restart-${Date.now()}-`;
  const answers = new AnswerLog();
  const writes = new WriteLog();
  const poller = new TagsPoller(app.base, options.requestTimeoutSeconds * 1000);

  const load = startLoad(app.base, token, titlePrefix, options, answers, writes);
  poller.start();
  const [result, { startedAt, backAt }] = await Promise.all([
    load,
    restartAfter(cluster, options.restartAfterMs),
  ]);
  await poller.waitForSuccess(backAt, startedAt, options.recoveryBoundMs, app);

  const firstSuccess = poller.firstSuccessAfter(backAt, startedAt);
  const outageEnd = firstSuccess?.doneAt ?? Number.POSITIVE_INFINITY;
  return {
    requests: {
      sent: result.requests.sent,
      answered: answers.answers.length,
      ok: result['2xx'],
      notOk: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    },
    statuses: {
      beforeRestart: answers.countBetween(0, startedAt),
      duringOutage: answers.countBetween(startedAt, outageEnd),
      afterwards: answers.countBetween(outageEnd, Number.POSITIVE_INFINITY),
    },
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    deaths: app.alive ? 0 : 1,
    exit: app.exit,
    writes: await checkWrites(cluster.url, titlePrefix, writes),
    restart: {
      databaseDownMs: backAt - startedAt,
      servingAgainMs: firstSuccess && firstSuccess.doneAt - startedAt,
      servingAgainAfterDatabaseMs: firstSuccess && firstSuccess.doneAt - backAt,
    },
    appErrors: app.loggedErrors().slice(0, 8),
  };
}

/** The load: each connection alternates a write (a new article) and a read (a page of them). */
function startLoad(
  base: string,
  token: string,
  titlePrefix: string,
  options: RestartUnderLoadOptions,
  answers: AnswerLog,
  writes: WriteLog,
): Promise<autocannon.Result> {
  let written = 0;
  const headers = { 'content-type': 'application/json', authorization: `Token ${token}` };
  const write: autocannon.Request = {
    method: 'POST',
    path: '/api/articles',
    headers,
    // Built again for every send, so every article has a title of its own. The context is the
    // connection's, which has one request in flight at a time: its answer finds the title there.
    setupRequest: (request, context) => {
      const title = `${titlePrefix}${++written}`;
      (context as WriteContext).title = title;
      return { ...request, body: articleBody(title) };
    },
    onResponse: (status, body, context) => {
      answers.record(status);
      const { title } = context as WriteContext;
      if (!title) return;
      if (status >= 200 && status < 300) writes.acknowledge(title, body);
      else writes.refuse(title, status);
    },
  };
  const read: autocannon.Request = {
    method: 'GET',
    path: '/api/articles?limit=5',
    headers,
    onResponse: (status) => answers.record(status),
  };
  return autocannon({
    url: base,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: options.requestTimeoutSeconds,
    requests: [write, read],
  }) as unknown as Promise<autocannon.Result>;
}

interface WriteContext {
  title?: string;
}

function articleBody(title: string): string {
  return JSON.stringify({
    article: {
      title,
      description: 'written under load',
      body: 'A PostgreSQL restart happens while this is written.',
      tagList: ['load', 'restart'],
    },
  });
}

/** The slug of the article in an answer; an answer without one still acknowledges the write. */
function slugIn(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { article?: { slug?: string } }).article?.slug;
  } catch {
    return undefined;
  }
}

/** The writes' outcomes as the clients saw them. */
class WriteLog {
  /** Title → slug (undefined if the answer had none), of the articles answered 2xx. */
  readonly acknowledged = new Map<string, string | undefined>();
  /** Title → status, of the writes answered with an error. */
  readonly refused = new Map<string, number>();

  acknowledge(title: string, body: string): void {
    this.acknowledged.set(title, slugIn(body));
  }

  refuse(title: string, status: number): void {
    this.refused.set(title, status);
  }
}

/** Restarts the cluster after `delayMs`; when it began and when the server was back. */
async function restartAfter(
  cluster: Cluster,
  delayMs: number,
): Promise<{ startedAt: number; backAt: number }> {
  await sleep(delayMs);
  const startedAt = Date.now();
  await cluster.restartImmediately();
  return { startedAt, backAt: Date.now() };
}

/**
 * `GET /api/tags` every 50 ms, each poll not waiting for the one before: when the app serves
 * again is known within 50 ms even while answers take seconds under load.
 */
class TagsPoller {
  private readonly polls: Poll[] = [];
  private readonly pending = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly base: string,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.pollOnce(), 50);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The first 2xx poll sent after `sentAfter` and answered after `answeredAfter`. */
  firstSuccessAfter(answeredAfter: number, sentAfter: number): Poll | undefined {
    return this.polls
      .filter((poll) => poll.ok && poll.sentAt >= sentAfter && poll.doneAt >= answeredAfter)
      .sort((a, b) => a.doneAt - b.doneAt)[0];
  }

  /** Waits (at most `boundMs`, or until the app dies) for `firstSuccessAfter` to exist. */
  async waitForSuccess(
    answeredAfter: number,
    sentAfter: number,
    boundMs: number,
    app: SampleAppProcess,
  ): Promise<void> {
    const deadline = Date.now() + boundMs;
    while (!this.firstSuccessAfter(answeredAfter, sentAfter) && app.alive) {
      if (Date.now() > deadline) break;
      await sleep(50);
    }
    this.stop();
    await Promise.all([...this.pending]);
  }

  private pollOnce(): void {
    const sentAt = Date.now();
    const poll = fetch(`${this.base}/api/tags`, { signal: AbortSignal.timeout(this.timeoutMs) })
      .then(async (answer) => {
        await answer.arrayBuffer();
        return answer.ok;
      })
      .catch(() => false)
      .then((ok) => {
        this.polls.push({ sentAt, doneAt: Date.now(), ok });
        this.pending.delete(poll);
      });
    this.pending.add(poll);
  }
}

/** Every acknowledged article must be in the database, under the slug the client was given. */
async function checkWrites(
  url: string,
  titlePrefix: string,
  writes: WriteLog,
): Promise<RestartUnderLoadReport['writes']> {
  const rows = await asAdmin<{ title: string; slug: string }>(
    url,
    'select title, slug from articles where starts_with(title, $1)',
    [titlePrefix],
  );
  const stored = new Map(rows.map((row) => [row.title, row.slug]));
  const lost = [...writes.acknowledged]
    .filter(
      ([title, slug]) => !stored.has(title) || (slug !== undefined && stored.get(title) !== slug),
    )
    .map(([title]) => title);
  const storedUnacknowledged = [...stored.keys()].filter((t) => !writes.acknowledged.has(t));
  const refusedButStored: StatusCounts = {};
  for (const title of storedUnacknowledged) {
    const status = writes.refused.get(title);
    if (status !== undefined) refusedButStored[status] = (refusedButStored[status] ?? 0) + 1;
  }
  return {
    acknowledged: writes.acknowledged.size,
    lost,
    refused: writes.refused.size,
    refusedButStored,
    storedUnanswered: storedUnacknowledged.filter((t) => !writes.refused.has(t)).length,
  };
}

/** The report as lines of text. */
export function formatReport(report: RestartUnderLoadReport): string {
  const seconds = (ms: number | undefined) =>
    ms === undefined ? 'never (within the bound)' : `${(ms / 1000).toFixed(2)} s`;
  const codes = (counts: StatusCounts) =>
    Object.entries(counts)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ') || 'none';
  const { requests, statuses, writes, restart, latencyMs } = report;
  return [
    `requests sent:              ${requests.sent}`,
    `answered:                   ${requests.answered} (2xx ${requests.ok}, non-2xx ${requests.notOk})`,
    `errors (no answer):         ${requests.errors} (of which timeouts ${requests.timeouts})`,
    `statuses before restart:    ${codes(statuses.beforeRestart)}`,
    `statuses during outage:     ${codes(statuses.duringOutage)}`,
    `statuses afterwards:        ${codes(statuses.afterwards)}`,
    `process deaths:             ${report.deaths}${report.exit ? ` (${describeExit(report.exit)})` : ''}`,
    `acknowledged writes:        ${writes.acknowledged}`,
    `lost writes:                ${writes.lost.length}${writes.lost.length ? ` (${writes.lost.slice(0, 5).join(', ')}…)` : ''}`,
    `writes answered non-2xx:    ${writes.refused}, stored all the same: ${codes(writes.refusedButStored)}`,
    `stored, never answered:     ${writes.storedUnanswered} (in flight when the load ended)`,
    `database down (pg_ctl):     ${seconds(restart.databaseDownMs)}`,
    `serving again after:        ${seconds(restart.servingAgainMs)} from the restart, ${seconds(restart.servingAgainAfterDatabaseMs)} from the database's return`,
    `latency:                    p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, max ${latencyMs.max} ms`,
    `app errors logged:${report.appErrors.length ? '' : '          none'}`,
    ...report.appErrors.map(({ message, count }) => `  ${count}× ${message}`),
  ].join('\n');
}

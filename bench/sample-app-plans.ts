/**
 * Query plans of the sample app's article list and feed, before and after the migration that
 * adds its indexes. Seeds a private schema (10,000 articles, 2,000 users, 50,000 follows,
 * 30,000 tag links, 50,000 favorites, 50,000 comments), captures the statements the service
 * behind `GET /api/articles?limit=20` (also by author and by tag) and `GET /api/articles/feed`
 * sends, and runs EXPLAIN ANALYZE on each, first with the tables as the first migration created
 * them, then with every migration applied. Prints each statement's plan nodes and timings.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node --transpile-only bench/sample-app-plans.ts
 *
 * Settings (environment): RUNS (5, the best execution time is kept), FULL_PLANS=1 prints whole
 * plans, KEEP_SCHEMA=1 keeps the schema (`bench_sample_app_plans`) afterwards.
 */
import { spawnSync } from 'node:child_process';

// The sample app imports the package by name; its TypeScript sources resolve under the
// `source` export condition, which only a Node flag sets, and its migrations load through
// import(): run again as `npm start` runs the app.
if (!process.execArgv.includes('--conditions=source')) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '-r', './sample-app/register-typescript.cjs', __filename],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('reflect-metadata');

import { Client } from 'pg';
import { MigrationRunner, Orm, migrationsIn, sql, type QueryEvent } from '../lib';
import { Article } from '../sample-app/src/articles/article.model';
import { ArticlesService } from '../sample-app/src/articles/articles.service';
import { Comment } from '../sample-app/src/articles/comment.model';
import { Tag } from '../sample-app/src/articles/tag.model';
import { ProfilesService } from '../sample-app/src/profiles/profiles.service';
import { User } from '../sample-app/src/users/user.model';
import { sampleAppSeed as seed } from './sample-app-seed';

const schema = 'bench_sample_app_plans';
const runs = Number(process.env.RUNS ?? 5);

interface Measured {
  text: string;
  plan: string[];
  ms: number;
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

  const captured: QueryEvent[] = [];
  const orm = await Orm.connect({
    url: url.toString(),
    models: [User, Article, Comment, Tag],
    nPlusOne: false,
    logValues: true,
    onQuery: (event) => captured.push(event),
  });
  try {
    const migrations = await migrationsIn('sample-app/migrations');
    await new MigrationRunner(orm, migrations.slice(0, 1)).migrate();
    for (const statement of seed) await orm.query(sql.unsafe(statement));

    const profiles = new ProfilesService();
    const service = new ArticlesService(profiles, undefined as never);
    const prolific = await orm.query<{ username: string; n: string }>(sql`
      select u.username, count(*) as n from articles a join users u on u.id = a.author_id
      group by u.username order by count(*) desc limit 1`);
    const viewer = (await User.findBy({ username: 'user1' }))!;
    const scenarios: Array<[string, () => Promise<unknown>]> = [
      ['GET /api/articles?limit=20', () => service.list({ limit: 20 })],
      [
        `GET /api/articles?author=${prolific[0]!.username} (${prolific[0]!.n} articles)`,
        () => service.list({ author: prolific[0]!.username, limit: 20 }),
      ],
      ['GET /api/articles?tag=tag7', () => service.list({ tag: 'tag7', limit: 20 })],
      ['GET /api/articles/feed (viewer follows 25)', () => service.feed(viewer, { limit: 20 })],
    ];

    const report = async () => {
      const result = new Map<string, Measured[]>();
      for (const [name, run] of scenarios) {
        captured.length = 0;
        await run();
        const statements = new Map<string, QueryEvent>();
        for (const event of captured)
          if (!statements.has(event.text)) statements.set(event.text, event);
        const measured: Measured[] = [];
        for (const event of statements.values()) measured.push(await explain(orm, event));
        result.set(name, measured);
      }
      return result;
    };

    const before = await report();
    await new MigrationRunner(orm, migrations).migrate();
    await orm.query(sql`analyze`);
    const after = await report();

    for (const [name] of scenarios) {
      console.log(`\n=== ${name}`);
      const b = before.get(name)!;
      const a = after.get(name)!;
      console.log(
        `statements: ${b.length}; total execution (best of ${runs}): ` +
          `before ${total(b)} ms, after ${total(a)} ms`,
      );
      for (const measured of a) {
        // Statements sent together (count and page) may be captured in either order.
        const previous = b.find((m) => m.text === measured.text);
        console.log(`\n-- ${oneLine(measured.text)}`);
        console.log(`   before: ${previous?.ms.toFixed(3)} ms`);
        for (const line of keyLines(previous?.plan ?? [])) console.log(`     ${line}`);
        console.log(`   after:  ${measured.ms.toFixed(3)} ms`);
        for (const line of keyLines(measured.plan)) console.log(`     ${line}`);
      }
    }
  } finally {
    await orm.close();
    if (!process.env.KEEP_SCHEMA) await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

/** EXPLAIN ANALYZE of one captured statement, with its values; the best of `runs`. */
async function explain(orm: Orm, event: QueryEvent): Promise<Measured> {
  let best: Measured | undefined;
  for (let i = 0; i < runs; i++) {
    const { rows } = await orm.driver.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, COSTS OFF) ${event.text}`,
      [...(event.values ?? [])],
    );
    const plan = rows.map((r) => r['QUERY PLAN']);
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1] ?? NaN);
    if (!best || ms < best.ms) best = { text: event.text, plan, ms };
  }
  return best!;
}

/** The plan's nodes (scans, joins, sorts) without their detail lines, unless FULL_PLANS. */
function keyLines(plan: string[]): string[] {
  if (process.env.FULL_PLANS) return plan;
  return plan
    .filter((line) => /(->|^\S)/.test(line) && !/^(Planning|Execution) Time/.test(line))
    .map((line) =>
      line.replace(/\s+\(actual time=[^)]*\)/, (m) => m.replace(/actual time=\S+ /, '')),
    );
}

const total = (measured: Measured[]) => measured.reduce((sum, m) => sum + m.ms, 0).toFixed(3);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 160);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

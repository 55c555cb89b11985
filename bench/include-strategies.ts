/**
 * Eager load of users → posts → comments (1,000 users, 10,000 posts, 50,000 comments): the
 * include strategies against hand-written `pg`, three queries (one per level, `= ANY($1)`) and
 * one query (JSON aggregation in correlated subqueries, the page's keys chosen first: the
 * rows an OFFSET skips would compute their subqueries too). Each round runs every contender
 * `BENCH_OPS` times in a rotated order; printed: the median over `BENCH_ROUNDS` rounds of the
 * time per load, and its ratio to raw `pg`'s three queries of the same round (median, range).
 * Then trees of rows that owners share (comments → post → user, posts → tags through a join
 * table), the two strategies alternated: the time of each, and one statement's time over the
 * per-level queries' in the same round. `'auto'` follows from both (see `json-include.ts`).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node --transpile-only bench/include-strategies.ts
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import {
  BelongsTo,
  Column,
  HasMany,
  ManyToMany,
  Model,
  Orm,
  PgDriver,
  PrimaryKey,
  Table,
  sql,
  type Query,
} from '../lib';

@Table('bench_inc_users')
class BenchUser extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @Column() createdAt!: Date;
  @HasMany(() => BenchPost, { foreignKey: 'userId', order: { id: 'asc' } }) posts!: BenchPost[];
}

@Table('bench_inc_posts')
class BenchPost extends Model {
  @PrimaryKey() id!: number;
  @Column() userId!: number;
  @Column() title!: string;
  @Column() createdAt!: Date;
  @BelongsTo(() => BenchUser, { foreignKey: 'userId' }) user!: BenchUser;
  @HasMany(() => BenchComment, { foreignKey: 'postId', order: { id: 'asc' } })
  comments!: BenchComment[];
  @ManyToMany(() => BenchTag, {
    through: 'bench_inc_post_tags',
    foreignKey: 'postId',
    otherKey: 'tagId',
  })
  tags!: BenchTag[];
}

@Table('bench_inc_tags')
class BenchTag extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

@Table('bench_inc_comments')
class BenchComment extends Model {
  @PrimaryKey() id!: number;
  @Column() postId!: number;
  @Column() body!: string;
  @Column() createdAt!: Date;
  @BelongsTo(() => BenchPost, { foreignKey: 'postId' }) post!: BenchPost;
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const ops = Number(process.env.BENCH_OPS ?? 100);
const pageSizes = (process.env.BENCH_PAGES ?? '20,100').split(',').map(Number);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

type Load = (offset: number, size: number) => Promise<number>;

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL: this compares against node-postgres');
  const orm = await Orm.connect({
    driver: new PgDriver(url),
    models: [BenchUser, BenchPost, BenchComment, BenchTag],
  });
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await seed(orm);
    const contenders: Record<string, Load> = {
      'raw pg, 3 queries': async (offset, size) => {
        const users = (
          await pool.query('SELECT * FROM bench_inc_users ORDER BY id LIMIT $1 OFFSET $2', [
            size,
            offset,
          ])
        ).rows;
        const posts = (
          await pool.query('SELECT * FROM bench_inc_posts WHERE user_id = ANY($1) ORDER BY id', [
            users.map((u) => u.id),
          ])
        ).rows;
        const comments = (
          await pool.query('SELECT * FROM bench_inc_comments WHERE post_id = ANY($1) ORDER BY id', [
            posts.map((p) => p.id),
          ])
        ).rows;
        const byPost = new Map<number, unknown[]>();
        for (const c of comments)
          (byPost.get(c.post_id) ?? byPost.set(c.post_id, []).get(c.post_id)!).push(c);
        const byUser = new Map<number, unknown[]>();
        for (const p of posts) {
          p.comments = byPost.get(p.id) ?? [];
          (byUser.get(p.user_id) ?? byUser.set(p.user_id, []).get(p.user_id)!).push(p);
        }
        for (const u of users) u.posts = byUser.get(u.id) ?? [];
        return users.length;
      },
      'raw pg, 1 JSON query': async (offset, size) => {
        const { rows } = await pool.query(
          `SELECT u.*, (SELECT coalesce(json_agg(p), '[]') FROM (
             SELECT p.*, (SELECT coalesce(json_agg(c), '[]') FROM (
               SELECT * FROM bench_inc_comments c WHERE c.post_id = p.id ORDER BY c.id) c) AS comments
             FROM bench_inc_posts p WHERE p.user_id = u.id ORDER BY p.id) p) AS posts
           FROM bench_inc_users u
           WHERE u.id IN (SELECT id FROM bench_inc_users ORDER BY id LIMIT $1 OFFSET $2) ORDER BY u.id`,
          [size, offset],
        );
        // JSON gives timestamps as text: turn them into Dates as the other contenders have.
        for (const u of rows)
          for (const p of u.posts) {
            p.created_at = new Date(p.created_at);
            for (const c of p.comments) c.created_at = new Date(c.created_at);
          }
        return rows.length;
      },
      "include, 'queries'": async (offset, size) =>
        (
          await BenchUser.order({ id: 'asc' })
            .limit(size)
            .offset(offset)
            .include('posts.comments')
            .includeStrategy('queries')
        ).length,
      "include, 'json'": async (offset, size) =>
        (
          await BenchUser.order({ id: 'asc' })
            .limit(size)
            .offset(offset)
            .include('posts.comments')
            .includeStrategy('json')
        ).length,
    };
    const names = Object.keys(contenders);
    for (const size of pageSizes) {
      const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      for (let round = -1; round < rounds; round++) {
        const order = names.map((_, i) => names[(i + round + 1) % names.length]!);
        for (const name of order) {
          const started = performance.now();
          for (let i = 0; i < ops; i++) {
            const loaded = await contenders[name]!((i * 37) % (1001 - size), size);
            if (loaded !== size) throw new Error(`${name} loaded ${loaded} users`);
          }
          if (round >= 0) times[name]!.push((performance.now() - started) / ops);
        }
      }
      const base = times['raw pg, 3 queries']!;
      console.log(`\n${size} users → posts → comments, ${rounds} rounds × ${ops} loads`);
      for (const name of names) {
        const ratios = times[name]!.map((t, r) => t / base[r]!);
        console.log(
          `${name.padEnd(22)} ${median(times[name]!).toFixed(2).padStart(7)} ms   ratio ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        );
      }
    }
    await compareOnSharedRows();
  } finally {
    await orm.query(dropBenchTables);
    await pool.end();
    await orm.close();
  }
}

/** A page of `size` rows after key `after`, with its include tree. */
type SharedRowsPage = (after: number, size: number) => Query<object>;

/** Trees whose related rows sit under several owners: the per-level queries send each once. */
const sharedRows: Record<string, SharedRowsPage> = {
  'comments → post → user': (after, size) =>
    BenchComment.where({ id: { gt: after } })
      .order({ id: 'asc' })
      .limit(size)
      .include('post.user'),
  'posts → tags': (after, size) =>
    BenchPost.where({ id: { gt: after } })
      .order({ id: 'asc' })
      .limit(size)
      .include('tags'),
};

async function compareOnSharedRows(): Promise<void> {
  for (const [shape, page] of Object.entries(sharedRows)) {
    for (const size of pageSizes) {
      const times = { queries: [] as number[], json: [] as number[] };
      for (let round = -1; round < rounds; round++) {
        const order: Array<keyof typeof times> =
          round % 2 ? ['queries', 'json'] : ['json', 'queries'];
        for (const strategy of order) {
          const started = performance.now();
          for (let i = 0; i < ops; i++) {
            const query = page((i * 997) % (9001 - size), size).includeStrategy(strategy);
            const loaded = (await query).length;
            if (loaded !== size) throw new Error(`${shape} loaded ${loaded} rows`);
          }
          if (round >= 0) times[strategy].push((performance.now() - started) / ops);
        }
      }
      const ratios = times.json.map((t, r) => t / times.queries[r]!);
      console.log(
        `\n${size} ${shape}, ${rounds} rounds × ${ops} loads: 'queries' ${median(times.queries).toFixed(2)} ms, ` +
          `'json' ${median(times.json).toFixed(2)} ms, 'json' / 'queries' ${median(ratios).toFixed(2)} ` +
          `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      );
    }
  }
}

/** The bench's tables, dependents first: dropped before seeding and when the bench ends. */
const BENCH_TABLES = [
  'bench_inc_post_tags',
  'bench_inc_tags',
  'bench_inc_comments',
  'bench_inc_posts',
  'bench_inc_users',
];
const dropBenchTables = sql`DROP TABLE IF EXISTS ${sql.join(BENCH_TABLES.map((name) => sql.id(name)))}`;

async function seed(orm: Orm): Promise<void> {
  for (const statement of [
    dropBenchTables,
    sql`CREATE TABLE bench_inc_users (id integer PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    sql`CREATE TABLE bench_inc_posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES bench_inc_users, title text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    sql`CREATE INDEX ON bench_inc_posts (user_id)`,
    sql`CREATE TABLE bench_inc_comments (id integer PRIMARY KEY, post_id integer NOT NULL REFERENCES bench_inc_posts, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    sql`CREATE INDEX ON bench_inc_comments (post_id)`,
    sql`INSERT INTO bench_inc_users (id, name) SELECT i, 'user ' || i FROM generate_series(1, 1000) i`,
    sql`INSERT INTO bench_inc_posts (id, user_id, title) SELECT i, 1 + (i - 1) / 10, 'post ' || i FROM generate_series(1, 10000) i`,
    sql`INSERT INTO bench_inc_comments (id, post_id, body) SELECT i, 1 + (i - 1) / 5, 'comment ' || i FROM generate_series(1, 50000) i`,
    sql`CREATE TABLE bench_inc_tags (id integer PRIMARY KEY, name text NOT NULL)`,
    sql`CREATE TABLE bench_inc_post_tags (post_id integer NOT NULL REFERENCES bench_inc_posts, tag_id integer NOT NULL REFERENCES bench_inc_tags, PRIMARY KEY (post_id, tag_id))`,
    sql`INSERT INTO bench_inc_tags (id, name) SELECT i, 'tag ' || i FROM generate_series(1, 50) i`,
    sql`INSERT INTO bench_inc_post_tags SELECT p, 1 + (p * 7 + k * 13) % 50 FROM generate_series(1, 10000) p, generate_series(0, 2) k`,
    sql`ANALYZE bench_inc_users, bench_inc_posts, bench_inc_comments, bench_inc_tags, bench_inc_post_tags`,
  ]) {
    await orm.query(statement);
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

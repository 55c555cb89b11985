/**
 * `GET /api/articles?limit=&offset=` of the sample app written by hand on `pg` and `node:http`:
 * the same JSON, a page and a count sent together, tags and favorite counts in subqueries.
 * The floor the sample app's list is measured against in bench/sample-app-load.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

const page = `
  SELECT a.id, a.slug, a.title, a.description, a.body, a.created_at, a.updated_at,
         u.username, u.bio, u.image,
         coalesce((SELECT array_agg(t.name ORDER BY t.name)
                   FROM article_tags at JOIN tags t ON t.id = at.tag_id
                   WHERE at.article_id = a.id), '{}') AS tag_list,
         (SELECT count(*) FROM favorites f WHERE f.article_id = a.id)::int AS favorites_count
  FROM articles a JOIN users u ON u.id = a.author_id
  ORDER BY a.created_at DESC, a.id DESC
  LIMIT $1 OFFSET $2`;

export interface HandWrittenListServer {
  base: string;
  /** Statements sent so far. */
  statements(): number;
  close(): Promise<void>;
}

export async function startHandWrittenListServer(
  databaseUrl: string,
  poolSize = 10,
): Promise<HandWrittenListServer> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  let statements = 0;
  const list = async (limit: number, offset: number) => {
    statements += 2;
    const [rows, count] = await Promise.all([
      pool.query(page, [limit, offset]),
      pool.query<{ n: number }>('SELECT count(*)::int AS n FROM articles'),
    ]);
    return {
      articles: rows.rows.map((r) => ({
        slug: r.slug,
        title: r.title,
        description: r.description,
        body: r.body,
        tagList: r.tag_list,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        favorited: false,
        favoritesCount: r.favorites_count,
        author: { username: r.username, bio: r.bio, image: r.image, following: false },
      })),
      articlesCount: count.rows[0]!.n,
    };
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' || url.pathname !== '/api/articles') {
      response.writeHead(404).end();
      return;
    }
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20) || 20, 100);
    const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
    list(limit, offset).then(
      (body) => {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(body));
      },
      (error: unknown) => {
        console.error(error);
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    statements: () => statements,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

// Run as its own process (as bench/sample-app-load.ts does, so that it does not share a CPU
// with the load generator): prints its address, serves until SIGTERM.
if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Set DATABASE_URL');
  void startHandWrittenListServer(databaseUrl).then((server) => {
    console.log(server.base);
    process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  });
}

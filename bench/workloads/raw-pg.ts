/**
 * The baseline: hand-written SQL on `pg`, as a careful application would write it (one query
 * per list, `= ANY($1)` for related rows, `unnest` for a bulk insert).
 */
import { Pool, type QueryResultRow } from 'pg';
import { operands, type Implementation } from './workloads';

type Row = QueryResultRow;

function groupBy(rows: Row[], key: string): Map<unknown, Row[]> {
  const groups = new Map<unknown, Row[]>();
  for (const row of rows) {
    const group = groups.get(row[key]);
    if (group) group.push(row);
    else groups.set(row[key], [row]);
  }
  return groups;
}

export function rawPg(url: string, poolSize: number): Implementation {
  const pool = new Pool({ connectionString: url, max: poolSize });
  let statements = 0;
  // Counted where the application sends them.
  const query = <R extends Row>(text: string, values?: unknown[]) => {
    statements++;
    return pool.query<R>(text, values);
  };
  const findPost = async (id: number) => {
    const { rows } = await query('SELECT * FROM posts WHERE id = $1', [id]);
    if (rows.length === 0) throw new Error(`post ${id} not found`);
    return rows[0]!;
  };
  return {
    name: 'raw pg',
    statements: () => statements,
    close: () => pool.end(),
    operations: {
      findByKey: (i) => findPost(operands.postId(i)),
      concurrentFindByKey: (i) => findPost(operands.postId(i)),
      filteredList: async (i) => {
        const [first, last] = operands.authorRange(i);
        const { rows } = await query(
          'SELECT * FROM posts WHERE published = $1 AND author_id >= $2 AND author_id <= $3 ORDER BY id DESC LIMIT 50',
          [true, first, last],
        );
        return rows;
      },
      insertOne: async (i) => {
        const p = operands.newPost(i);
        const { rows } = await query(
          'INSERT INTO posts (author_id, title, body, published, views, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
          [p.authorId, p.title, p.body, p.published, p.views, new Date()],
        );
        return rows[0];
      },
      loadChangeSave: async (i) => {
        const post = await findPost(operands.postId(i));
        post.views += 1;
        await query('UPDATE posts SET views = $1 WHERE id = $2', [post.views, post.id]);
        return post;
      },
      bulkInsert: async (i) => {
        const rows = operands.bulkPosts(i);
        const now = new Date();
        await query(
          `INSERT INTO posts (author_id, title, body, published, views, created_at)
           SELECT a, t, b, p, v, $6 FROM unnest($1::int[], $2::text[], $3::text[], $4::bool[], $5::int[]) AS r(a, t, b, p, v)`,
          [
            rows.map((r) => r.authorId),
            rows.map((r) => r.title),
            rows.map((r) => r.body),
            rows.map((r) => r.published),
            rows.map((r) => r.views),
            now,
          ],
        );
      },
      eagerLoad: async (i) => {
        const users = (
          await query('SELECT * FROM users WHERE id > $1 ORDER BY id LIMIT 20', [
            operands.usersAfter(i),
          ])
        ).rows;
        const posts = (
          await query('SELECT * FROM posts WHERE author_id = ANY($1::int[])', [
            users.map((u) => u.id),
          ])
        ).rows;
        const comments = (
          await query('SELECT * FROM comments WHERE post_id = ANY($1::int[])', [
            posts.map((p) => p.id),
          ])
        ).rows;
        const commentsByPost = groupBy(comments, 'post_id');
        for (const p of posts) p.comments = commentsByPost.get(p.id) ?? [];
        const postsByUser = groupBy(posts, 'author_id');
        for (const u of users) u.posts = postsByUser.get(u.id) ?? [];
        return users;
      },
      lazyLoop: async (i) => {
        const posts = (
          await query('SELECT * FROM posts WHERE id > $1 ORDER BY id LIMIT 50', [
            operands.postsAfter(i),
          ])
        ).rows;
        const authorIds = [...new Set(posts.map((p) => p.author_id))];
        const authors = (await query('SELECT * FROM users WHERE id = ANY($1::int[])', [authorIds]))
          .rows;
        const authorsById = new Map(authors.map((u) => [u.id, u]));
        return posts.map((p) => authorsById.get(p.author_id)!.name as string);
      },
    },
  };
}

import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { Orm, type QueryEvent } from 'nestjs-active-record';
import { AppModule } from '../../sample-app/src/app.module';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Conduit app on embedded PostgreSQL, and on the server when DATABASE_URL is set. */
const databases: Array<[string, () => Promise<string | undefined>]> = [
  ['pglite', async () => undefined],
];
if (process.env.DATABASE_URL) {
  databases.push([
    'postgres',
    async () => {
      const name = `conduit_test_${process.pid}`;
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      return url.toString();
    },
  ]);
}

for (const [kind, databaseUrl] of databases) {
  describe(`Conduit sample app [${kind}]`, () => {
    let app: INestApplication;
    let base: string;
    const statements: QueryEvent[] = [];
    const previousUrl = process.env.DATABASE_URL;

    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await fetch(base + path, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Token ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
    };
    const register = async (name: string) =>
      (
        await call('POST', '/users', {
          user: { username: name, email: `${name}@example.com`, password: 'secret' },
        })
      ).body.user.token as string;

    beforeAll(async () => {
      const url = await databaseUrl();
      if (url) process.env.DATABASE_URL = url;
      else delete process.env.DATABASE_URL;
      app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
      app.setGlobalPrefix('api');
      app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
      await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api`;
      app.get(Orm).onQuery((e) => statements.push(e));
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      const url = process.env.DATABASE_URL;
      if (kind === 'postgres' && url && previousUrl) {
        const admin = new Client({ connectionString: previousUrl });
        await admin.connect();
        // WITH (FORCE): through PgBouncer its pooled server connections are still open.
        await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
        await admin.end();
      }
      process.env.DATABASE_URL = previousUrl;
      if (previousUrl === undefined) delete process.env.DATABASE_URL;
    });

    it('refuses bad input and bad credentials in the RealWorld error shape', async () => {
      const missing = await call('POST', '/users', { user: { username: 'x' } });
      expect(missing.status).toBe(422);
      expect(missing.body.errors.body.join(' ')).toMatch(/email/);
      await register('dupe');
      const dupe = await call('POST', '/users', {
        user: { username: 'dupe', email: 'other@example.com', password: 'p' },
      });
      expect(dupe.status).toBe(422);
      expect(dupe.body.errors).toEqual({ username: ['has already been taken'] });
      const login = await call('POST', '/users/login', {
        user: { email: 'dupe@example.com', password: 'wrong' },
      });
      expect(login.status).toBe(422);
      expect(login.body.errors.body).toEqual(['email or password is invalid']);
    });

    it('auth failures are 401; editing another user’s article is 403', async () => {
      expect((await call('GET', '/user')).status).toBe(401);
      expect((await call('GET', '/user', undefined, 'not-a-token')).status).toBe(401);
      const alice = await register('alice');
      const bob = await register('bob');
      const created = await call(
        'POST',
        '/articles',
        { article: { title: 'Mine', description: 'd', body: 'b' } },
        alice,
      );
      expect(created.status).toBe(201);
      const slug = created.body.article.slug;
      expect((await call('PUT', `/articles/${slug}`, { article: { body: 'x' } }, bob)).status).toBe(
        403,
      );
      expect((await call('DELETE', `/articles/${slug}`, undefined, bob)).status).toBe(403);
      expect((await call('GET', '/articles/no-such-slug')).status).toBe(404);
    });

    it('pagination edges, and a constant number of statements per list', async () => {
      const writer = await register('writer');
      for (let i = 0; i < 25; i++) {
        await call(
          'POST',
          '/articles',
          {
            article: {
              title: `Post ${i}`,
              description: 'd',
              body: 'b',
              tagList: ['paging', `t${i % 3}`],
            },
          },
          writer,
        );
      }
      const first = await call('GET', '/articles?tag=paging&limit=20');
      expect(first.body.articlesCount).toBe(25);
      expect(first.body.articles).toHaveLength(20);
      expect(first.body.articles[0].title).toBe('Post 24');
      const last = await call('GET', '/articles?tag=paging&limit=20&offset=20');
      expect(last.body.articles.map((a: Json) => a.title)).toEqual([
        'Post 4',
        'Post 3',
        'Post 2',
        'Post 1',
        'Post 0',
      ]);
      expect((await call('GET', '/articles?tag=paging&offset=1000')).body).toEqual({
        articles: [],
        articlesCount: 25,
      });
      // Page parameters and filters pass the service's input policy: no silent fallbacks.
      for (const limit of ['-5', 'abc', '101']) {
        const refused = await call('GET', `/articles?tag=paging&limit=${limit}`);
        expect(refused.status).toBe(400);
        expect(Object.keys(refused.body.errors)).toEqual(['limit']);
      }
      // A repeated parameter arrives as a list: one tag is a single value, never an IN list.
      const twoTags = await call('GET', '/articles?tag=paging&tag=t1');
      expect(twoTags.status).toBe(400);
      expect(twoTags.body.errors).toEqual({ 'filter[tags.name]': ['expects a single value'] });
      expect((await call('GET', '/articles?tag=paging&limit=0')).body.articles).toHaveLength(0);

      const reader = await register('reader');
      await call('POST', '/profiles/writer/follow', undefined, reader);
      const counts: number[] = [];
      for (const limit of [1, 5, 20]) {
        statements.length = 0;
        const page = await call('GET', `/articles?tag=paging&limit=${limit}`, undefined, reader);
        expect(page.body.articles).toHaveLength(limit);
        expect(page.body.articles[0].author.following).toBe(true);
        counts.push(statements.filter((s) => s.text.startsWith('SELECT')).length);
      }
      // the auth lookup, the count, the page (its authors, tags and favorite counts in the
      // same statement), the viewer's favorites and follows: the same for every page size
      expect(counts).toEqual([5, 5, 5]);
    });

    it('concurrent favoriting of one article by many users keeps the count right', async () => {
      const author = await register('popular');
      const slug = (
        await call(
          'POST',
          '/articles',
          { article: { title: 'Loved', description: 'd', body: 'b' } },
          author,
        )
      ).body.article.slug;
      const fans = await Promise.all(Array.from({ length: 12 }, (_, i) => register(`fan${i}`)));
      const results = await Promise.all(
        fans.map((token) => call('POST', `/articles/${slug}/favorite`, undefined, token)),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      // favoriting twice changes nothing
      await Promise.all(
        fans
          .slice(0, 4)
          .map((token) => call('POST', `/articles/${slug}/favorite`, undefined, token)),
      );
      const article = await call('GET', `/articles/${slug}`, undefined, fans[0]);
      expect(article.body.article.favoritesCount).toBe(12);
      expect(article.body.article.favorited).toBe(true);
      await call('DELETE', `/articles/${slug}/favorite`, undefined, fans[1]);
      expect((await call('GET', `/articles/${slug}`)).body.article.favoritesCount).toBe(11);
    });
  });
}

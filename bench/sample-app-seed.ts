/**
 * The sample app's tables filled for measuring (after its migrations): 10,000 articles,
 * 2,000 users, 50,000 follows, 30,000 tag links, 50,000 favorites, 50,000 comments.
 * Deterministic, so that every run measures the same data.
 */
export const sampleAppSeed = [
  `insert into users (username, email, password_hash, created_at, updated_at)
   select 'user' || i, 'user' || i || '@example.com', 'x', now(), now()
   from generate_series(1, 2000) i`,
  // Authors are skewed: a few write much, most little.
  `insert into articles (slug, title, description, body, author_id, created_at, updated_at)
   select 'article-' || i, 'Article ' || i, 'About ' || i, repeat('text ', 100),
          1 + (floor(2000 * power(((i * 7919) % 10007) / 10007.0, 2)))::int % 2000,
          now() - i * interval '7 minutes', now() - i * interval '7 minutes'
   from generate_series(1, 10000) i`,
  `insert into follows (follower_id, followed_id)
   select u, 1 + ((u + k * 79) % 2000) from generate_series(1, 2000) u, generate_series(1, 25) k`,
  `insert into tags (name) select 'tag' || i from generate_series(1, 100) i`,
  `insert into article_tags (article_id, tag_id)
   select a, 1 + ((a + k * 33) % 100) from generate_series(1, 10000) a, generate_series(0, 2) k`,
  `insert into favorites (article_id, user_id)
   select a, 1 + ((a * 13 + k * 397) % 2000) from generate_series(1, 10000) a, generate_series(0, 4) k`,
  `insert into comments (body, article_id, author_id, created_at, updated_at)
   select 'Comment ' || k, a, 1 + ((a + k * 211) % 2000), now(), now()
   from generate_series(1, 10000) a, generate_series(0, 4) k`,
  'analyze',
];

/**
 * The load's signed-in user (registered with an email starting `loader`) follows 25 authors,
 * as every seeded user does, so that its feed has the seeded users' size.
 */
export const loaderFollowsSeed = `insert into follows (follower_id, followed_id)
   select (select id from users where email like 'loader%'), 1 + ((k * 79) % 2000)
   from generate_series(1, 25) k`;

/**
 * The workloads, each as operations numbered from 0, and how to compare one operation's result
 * with raw `pg`'s: a digest of the values a caller would read, the same whatever shape
 * (model instance, plain object, snake or camel case) an implementation returns.
 */
import { counts } from './data-set';

export type WorkloadName =
  | 'findByKey'
  | 'filteredList'
  | 'insertOne'
  | 'loadChangeSave'
  | 'bulkInsert'
  | 'eagerLoad'
  | 'lazyLoop'
  | 'concurrentFindByKey';

export interface Workload {
  name: WorkloadName;
  title: string;
  /** Operations per round. */
  operations: number;
  /** Operations in flight at once (1: one after the other). */
  concurrency: number;
  /** What the caller reads from one operation's result; undefined for writes checked by count. */
  digest?: (result: unknown) => unknown;
  /** Rows each operation inserts (removed after each batch, and counted). */
  insertsRows?: number;
}

/** The operands of operation `i`, the same for every implementation. */
export const operands = {
  postId: (i: number) => ((i * 7919) % counts.posts) + 1,
  /** 50 authors (500 posts, 333 published): a list that fills its 50 rows. */
  authorRange: (i: number): [number, number] => {
    const first = ((i * 37) % (counts.users - 50)) + 1;
    return [first, first + 49];
  },
  newPost: (i: number) => ({
    authorId: (i % counts.users) + 1,
    title: `new post ${i}`,
    body: `body of new post ${i}`,
    published: i % 2 === 0,
    views: 0,
  }),
  bulkPosts: (i: number) =>
    Array.from({ length: 10_000 }, (_, k) => ({
      authorId: ((i + k) % counts.users) + 1,
      title: `bulk post ${k}`,
      body: `body of bulk post ${k}`,
      published: k % 2 === 0,
      views: k % 10,
    })),
  /**
   * 20 users after this id, ordered by id: a key range rather than OFFSET, under which a
   * select list's subqueries would run for every skipped row too.
   */
  usersAfter: (i: number) => (i * 20) % (counts.users - 20),
  /** 50 posts after this id, ordered by id. */
  postsAfter: (i: number) => (i * 50) % (counts.posts - 50),
};

type Fields = Record<string, unknown>;

/**
 * A field by its camelCase name, its snake_case column name (raw rows), or for a foreign key
 * (`authorId`) the key of the related object (`author.id`) where a mapper keeps only that.
 */
export function field(record: unknown, name: string): unknown {
  const fields = record as Fields;
  if (name in fields) return fields[name];
  const column = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (column in fields) return fields[column];
  const related = name.endsWith('Id') ? fields[name.slice(0, -2)] : undefined;
  return related ? (related as Fields).id : undefined;
}

const time = (value: unknown) => new Date(value as Date | string).getTime();
const list = (value: unknown) => [...(value as Iterable<unknown>)];
const byId = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number);

const post = (p: unknown) => [
  field(p, 'id'),
  field(p, 'authorId'),
  field(p, 'title'),
  field(p, 'body'),
  field(p, 'published'),
  field(p, 'views'),
  time(field(p, 'createdAt')),
];

const writtenPost = (p: unknown) => [
  field(p, 'authorId'),
  field(p, 'title'),
  field(p, 'body'),
  field(p, 'published'),
  field(p, 'views'),
  typeof field(p, 'id'),
];

const tree = (users: unknown) =>
  list(users).map((u) => [
    field(u, 'id'),
    field(u, 'name'),
    field(u, 'email'),
    time(field(u, 'createdAt')),
    list(field(u, 'posts'))
      .map((p) => [
        ...post(p),
        list(field(p, 'comments'))
          .map((c) => [
            field(c, 'id'),
            field(c, 'postId'),
            field(c, 'body'),
            time(field(c, 'createdAt')),
          ])
          .sort(byId),
      ])
      .sort(byId),
  ]);

export const workloads: Workload[] = [
  {
    name: 'findByKey',
    title: 'find by primary key ×3000, sequential',
    operations: 3000,
    concurrency: 1,
    digest: post,
  },
  {
    name: 'filteredList',
    title: 'filtered list of 50, ordered, ×600',
    operations: 600,
    concurrency: 1,
    digest: (rows) => list(rows).map(post),
  },
  {
    name: 'insertOne',
    title: 'insert one ×1000',
    operations: 1000,
    concurrency: 1,
    digest: writtenPost,
    insertsRows: 1,
  },
  {
    name: 'loadChangeSave',
    title: 'load, change one column, save ×1000',
    operations: 1000,
    concurrency: 1,
    // Views differ between implementations (each adds one): the rest must match.
    digest: (p) => post(p).filter((_, k) => k !== 5),
  },
  {
    name: 'bulkInsert',
    title: 'bulk insert 10,000 rows',
    operations: 1,
    concurrency: 1,
    insertsRows: 10_000,
  },
  {
    name: 'eagerLoad',
    title: 'eager load 20 users → posts → comments ×50',
    operations: 50,
    concurrency: 1,
    digest: tree,
  },
  {
    name: 'lazyLoop',
    title: "50 posts, then each post's author lazily ×300",
    // A round long enough (~150 ms) that a pause of the machine is not a tenth of it.
    operations: 300,
    concurrency: 1,
    digest: (names) => list(names),
  },
  {
    name: 'concurrentFindByKey',
    title: 'find by primary key ×5000, 50 concurrent',
    operations: 5000,
    concurrency: 50,
    digest: post,
  },
];

/** One implementation of every workload: an operation per workload, given its number. */
export interface Implementation {
  name: string;
  operations: Record<WorkloadName, (i: number) => Promise<unknown>>;
  /** Statements sent to the server so far. */
  statements(): number;
  close(): Promise<void>;
}

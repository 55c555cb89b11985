import type { ModelMeta } from '../metadata/model-meta';
import { Query } from './query';
import type { QuerySource } from './query-source';
import { queryState, type IncludeLoader, type JsonIncludePlanner } from './query-state';

const scopeMarker = Symbol('nestjs-active-record:scope');

/** A model's named scopes as methods of its queries (each returning a query that has them). */
export type ScopesOf<M, T> = {
  [K in keyof M as M[K] extends { readonly [scopeMarker]: true } ? K : never]: M[K] extends (
    ...args: infer A
  ) => unknown
    ? (...args: A) => ScopedQuery<M, T>
    : never;
};

/** A query of model `T` that also offers the named scopes of model class `M`. */
export type ScopedQuery<M, T> = Query<T> & ScopesOf<M, T>;

/** What `scope()` returns: a static of the model, also available on its queries. */
export interface Scope<T, A extends unknown[]> {
  <M>(this: M, ...args: A): ScopedQuery<M, T>;
  readonly [scopeMarker]: true;
}

// The body's own annotations give the scope its types (`(q: Query<Post>, days = 7) => …`):
// a looser constraint than the body's signature lets TypeScript infer them instead of
// imposing `unknown` on parameters with defaults.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyScopeBody = (query: any, ...args: any[]) => unknown;

type ModelOf<F> = F extends (query: Query<infer T>, ...args: never[]) => unknown ? T : never;
type ArgsOf<F> = F extends (query: never, ...args: infer A) => unknown ? A : never;

/**
 * A named, composable query fragment. Declared as a static of the model, it is callable on the
 * model and on any of its queries, and scopes chain: `Post.published().recent(7)`.
 *
 * @example
 * static published = scope((q: Query<Post>) => q.where({ published: true }));
 * static recent = scope((q: Query<Post>, days = 7) => q.where({ createdAt: { gte: daysAgo(days) } }));
 */
export function scope<F extends AnyScopeBody>(body: F): Scope<ModelOf<F>, ArgsOf<F>> {
  function applyScope(this: unknown, ...args: unknown[]): unknown {
    const query = this instanceof Query ? this : (this as { all(): Query<unknown> }).all();
    return body(query, ...args);
  }
  return Object.assign(applyScope, { [scopeMarker]: true as const }) as unknown as Scope<
    ModelOf<F>,
    ArgsOf<F>
  >;
}

const queryClasses = new WeakMap<ModelMeta, typeof Query>();

/** The model's query class: `Query` with the model's named scopes as methods. */
function queryClassOf(meta: ModelMeta): typeof Query {
  let QueryClass = queryClasses.get(meta);
  if (QueryClass) return QueryClass;
  const statics = meta.modelClass as unknown as Record<string, unknown>;
  const scopes = scopeNames(meta.modelClass);
  if (scopes.length === 0) {
    QueryClass = Query;
  } else {
    QueryClass = class extends Query<unknown> {} as unknown as typeof Query;
    Object.defineProperty(QueryClass, 'name', { value: `${meta.className}Query` });
    for (const name of scopes) {
      Object.defineProperty(QueryClass.prototype, name, {
        value: statics[name],
        configurable: true,
        writable: true,
      });
    }
  }
  queryClasses.set(meta, QueryClass);
  return QueryClass;
}

/** Static members made with `scope()`, on the class and its ancestors. */
function scopeNames(modelClass: object): string[] {
  const names = new Set<string>();
  for (
    let c: object | null = modelClass;
    c && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    for (const name of Object.getOwnPropertyNames(c)) {
      const value = (modelClass as Record<string, unknown>)[name];
      if (typeof value === 'function' && (value as { [scopeMarker]?: true })[scopeMarker]) {
        names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * A model's query as every query of it starts: its query class (named scopes), the soft-delete
 * filter, and the default scope — a static `defaultScope(query)` on the model — applied. Its
 * includes load through `includeLoader`; `createQuery` (model-query.ts) supplies the relation
 * loader, which also starts its related queries here.
 *
 * @example
 * static defaultScope(q: Query<Article>) { return q.where({ archived: false }); }
 */
export function startQuery<T>(
  source: QuerySource<T>,
  includeLoader: IncludeLoader,
  jsonIncludes?: JsonIncludePlanner,
): Query<T> {
  const QueryClass = queryClassOf(source.meta);
  const query = new QueryClass<T>(source, queryState({ includeLoader, jsonIncludes }));
  const defaultScope = (source.meta.modelClass as unknown as { defaultScope?: unknown })
    .defaultScope;
  if (typeof defaultScope !== 'function') return query;
  const scoped = (defaultScope as (q: Query<T>) => unknown).call(source.meta.modelClass, query);
  if (!(scoped instanceof Query)) {
    throw new TypeError(
      `${source.meta.className}.defaultScope() must return the query it was given`,
    );
  }
  return query.withDefaultScope(scoped as Query<T>);
}

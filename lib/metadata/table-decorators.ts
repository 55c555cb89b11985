import type { SqlFragment } from '../sql/sql-fragment';

/** The access methods an index can use. */
export type IndexMethod = 'btree' | 'hash' | 'gist' | 'gin' | 'brin' | 'spgist';

/** A part of an index: a model property, or an expression written with the `sql` tag. */
export type IndexPart = string | SqlFragment;

/**
 * Options of `@Index()` and `@Unique()`. `opclass` and `order` are keyed by property name.
 *
 * @example
 * @Index(['title'], { name: 'idx_title', where: sql`deleted_at IS NULL` })
 */
export interface ModelIndexOptions {
  /** Default `<table>_<columns>_idx` (`_key` when unique); expressions count as `expr`. */
  name?: string;
  unique?: boolean;
  /** Access method, default `btree`. */
  using?: IndexMethod;
  /** A partial index's condition. */
  where?: SqlFragment;
  /** Operator class per property, e.g. `{ title: 'text_pattern_ops' }`. */
  opclass?: Readonly<Record<string, string>>;
  /** Sort order per property, e.g. `{ createdAt: 'desc' }`. */
  order?: Readonly<Record<string, 'asc' | 'desc'>>;
}

/**
 * Options of `@Check()`.
 *
 * @example
 * @Check(sql`price >= 0`, { name: 'products_price_check' })
 */
export interface CheckOptions {
  /** Default `<table>_<words of the expression>_check`. */
  name?: string;
}

/** An index as its decorator declared it, before property names are resolved. */
export interface IndexDeclaration {
  parts: readonly IndexPart[];
  options: ModelIndexOptions;
}

export interface CheckDeclaration {
  expression: SqlFragment;
  options: CheckOptions;
}

interface TableDeclarations {
  indexes: IndexDeclaration[];
  checks: CheckDeclaration[];
}

const declared = new WeakMap<object, TableDeclarations>();

function ownOf(target: object): TableDeclarations {
  let own = declared.get(target);
  if (!own) {
    own = { indexes: [], checks: [] };
    declared.set(target, own);
  }
  return own;
}

/** Declarations of the class and its ancestors, ancestors first. */
export function tableDeclarationsOf(target: object): TableDeclarations {
  const all: TableDeclarations = { indexes: [], checks: [] };
  const chain: object[] = [];
  for (let c: object | null = target; c && c !== Function.prototype; c = Object.getPrototypeOf(c))
    chain.unshift(c);
  for (const c of chain) {
    const own = declared.get(c);
    if (!own) continue;
    all.indexes.push(...own.indexes);
    all.checks.push(...own.checks);
  }
  return all;
}

/**
 * An index over model properties (in order) or `sql` expressions; migrations create it.
 * Decorators apply bottom-up, so several `@Index()` on one class are kept in source order.
 *
 * @example
 * @Index(['authorId', 'createdAt'])
 * @Index([sql`lower(email)`], { unique: true, name: 'users_lower_email_key' })
 */
export function Index(
  parts: readonly IndexPart[],
  options: ModelIndexOptions = {},
): ClassDecorator {
  return (target) => {
    ownOf(target).indexes.unshift({ parts: [...parts], options: { ...options } });
  };
}

/**
 * A unique index over several properties (or expressions): `@Index` with `unique: true`.
 *
 * @example
 * @Unique(['tenantId', 'slug'])
 */
export function Unique(
  parts: readonly IndexPart[],
  options: Omit<ModelIndexOptions, 'unique'> = {},
): ClassDecorator {
  return Index(parts, { ...options, unique: true });
}

/**
 * A CHECK constraint, written with the `sql` tag (no bound values: it is part of the schema).
 *
 * @example
 * @Check(sql`price >= 0`, { name: 'products_price_check' })
 */
export function Check(expression: SqlFragment, options: CheckOptions = {}): ClassDecorator {
  return (target) => {
    ownOf(target).checks.unshift({ expression, options: { ...options } });
  };
}

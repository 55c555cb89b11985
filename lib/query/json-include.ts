import type { ModelMeta } from '../metadata/model-meta';
import type { RelationMeta } from '../metadata/relation-meta';
import { and, column, star, type Expr, type SelectNode } from '../sql/nodes';
import { compileStatement } from '../sql/query-compiler';
import type { IncludeNode } from './include-tree';
import { jsonColumnExpr, jsonColumnReader } from './json-column-values';
import { keyOperand, keysMatch } from './key-conditions';
import type { Query } from './query';
import type { QuerySource } from './query-source';
import type { JsonIncludePlan, QueryState } from './query-state';
import { ordered, refined, relatedQuery } from './relation-loader';
import { countColumns } from './relation-counts';
import { conditionsOf, selectNode } from './select-statement';

type Row = Record<string, unknown>;
/**
 * A related row, built from its level's JSON: its values in the order of the target's
 * columns, then one slot per nested include (that level's JSON, then its rows), then a free
 * slot (`READ_AHEAD_SLOTS`).
 */
type JsonRow = unknown[];
type Slots = Record<string | number, unknown>;

/**
 * The largest page (`limit`) for which `'auto'` loads includes in the query's own statement.
 * `bench/include-strategies.ts` measured one statement below the per-level queries for
 * users → posts → comments at every page from 20 to 1,000 users (0.81, 0.65, 0.74 of raw
 * `pg`'s three queries for 20, 100, 1,000 users, against 0.96, 0.81, 0.93). Without a limit,
 * a statement would aggregate an unbounded tree into single JSON values (one value holds at
 * most 1 GB), where per-level queries bound each statement.
 */
export const JSON_INCLUDE_MAX_LIMIT = 1000;

/**
 * The largest page for which `'auto'` loads in one statement a tree holding a belongsTo or a
 * many-to-many, whose related rows owners share: the statement sends such a row once per
 * owner, the per-level query once. On loopback (`bench/include-strategies.ts`) the statement
 * was as fast for 20 comments → post → user or posts → tags, took 0.2 ms more for 100 (1.3–1.5
 * times the per-level queries' time) and twice the time for 1,000: up to 100, the round trip
 * each level saves between two hosts is worth as much as the rows sent again.
 */
export const JSON_INCLUDE_MAX_SHARED_LIMIT = 100;

/** The deepest include tree `'auto'` loads in one statement (a bound, not a measurement). */
export const JSON_INCLUDE_MAX_DEPTH = 3;

/**
 * PostgreSQL's limit on a function's arguments, and so on the columns and nested includes
 * sent for one related model by `json_build_array`.
 */
const MAX_JSON_COLUMNS = 100;

/**
 * The free slot ending each related row: the row built for one record becomes that record's
 * packed state, and the record built ahead of hydration waits there (`readAhead`).
 */
const READ_AHEAD_SLOTS = 1;

/** One included relation, planned: where its JSON sits in the row and how to read it. */
interface PlannedInclude {
  readonly relation: RelationMeta;
  readonly target: ModelMeta;
  /** The target's query source, on the query's connection. */
  readonly related: QuerySource<object>;
  /**
   * Where the related rows are in the owner's row (a column name, or a position): their JSON
   * as the statement sends them, then, once the owner's row is prepared, the rows.
   */
  readonly slot: string | number;
  /**
   * A belongsTo or hasOne: one related row at most, sent as one JSON array of its values (see
   * `subqueryOf`); other relations send one JSON array per column.
   */
  readonly toOne: boolean;
  /** Per JSON column the statement sends: the position its values take in a related row. */
  readonly sent: readonly number[];
  /** Per JSON column sent: how to turn its values into the driver's, where they differ. */
  readonly readers: ReadonlyArray<((v: unknown) => unknown) | undefined>;
  /** A related row of nulls, copied for each row (a packed array: its copies are packed too). */
  readonly blank: readonly unknown[];
  /** Foreign key columns not sent, taken from the owner's row (see `keyFromOwner`). */
  readonly fromOwner: KeyFromOwner | undefined;
  readonly children: readonly PlannedInclude[];
}

/** Where a related row's foreign key goes, and where the owner's row holds its values. */
interface KeyFromOwner {
  /** The foreign key's positions among the target's columns. */
  readonly positions: readonly number[];
  /** The owner's key values for each of them: by name in a row of the driver's, by position in JSON. */
  readonly ownerNames: readonly string[];
  readonly ownerPositions: readonly number[];
}

/** Raised while planning: this tree needs the per-relation strategy. */
class NotPlannable {}

/**
 * The query's SELECT with its whole include tree in the same statement: per included relation a
 * correlated subquery aggregating the related rows as JSON (nested for deeper levels), so no row
 * is repeated. Undefined when the query loads its includes one query per relation and level:
 * by choice (`includeStrategy('queries')`), by the `'auto'` rule, or because the tree holds
 * something a subquery cannot reproduce exactly (a polymorphic belongsTo, a refining function
 * that limits, selects, locks or includes further, a query limited to some columns).
 */
export function planJsonIncludes(
  source: QuerySource<object>,
  state: QueryState,
): JsonIncludePlan | undefined {
  const includes = state.includes;
  const strategy = state.includeStrategy ?? 'auto';
  if (!includes?.length || strategy === 'queries') return undefined;
  if (strategy === 'auto' && !smallTree(state, includes)) return undefined;
  if (state.select || state.through || state.distinct) return undefined;
  const meta = source.meta;
  const aliases = { next: 0 };
  let planned: PlannedInclude[];
  let subqueries: Expr[];
  try {
    planned = includes.map((node) => planNode(source, meta, node, `__include_${node.property}`));
    if (strategy === 'auto' && state.limit! > JSON_INCLUDE_MAX_SHARED_LIMIT && sharesRows(planned))
      return undefined;
    subqueries = planned.map((p, i): Expr => ({
      kind: 'alias',
      item: subqueryOf(source, p, includes[i]!, meta.tableName, aliases),
      alias: p.slot as string,
    }));
  } catch (error) {
    if (error instanceof NotPlannable) return undefined;
    throw error;
  }
  const root = rootSelect(meta, { ...state, includes: undefined }, subqueries);
  const prepareRow = (row: Row) => prepareOnce(row, planned);
  return {
    statement: compileStatement(root),
    prepareRow,
    attach: (records, rows) => {
      for (const row of rows) prepareRow(row);
      attachLevel(source, records, rows, planned, haveDistinctKeys(meta, rows as Row[]));
    },
  };
}

/** The rows whose related rows are ready (a row may be readied as it arrives, or after). */
const preparedRows = new WeakSet<Row>();

function prepareOnce(row: Row, planned: readonly PlannedInclude[]): void {
  if (preparedRows.has(row)) return;
  prepareRelated(row, planned);
  preparedRows.add(row);
}

/**
 * Turns the JSON under `owner`, at every level, into the rows hydration reads (see
 * `rowsFromColumns`, `rowFromValues`), in the owner's slot; then builds their records ahead of
 * hydration where the model allows it (`readAhead`: a row read ahead holds its record in its
 * last slot).
 */
function prepareRelated(owner: Row | JsonRow, planned: readonly PlannedInclude[]): void {
  for (const include of planned) {
    const rows = include.toOne ? rowFromValues(include, owner) : rowsFromColumns(include, owner);
    (owner as Slots)[include.slot] = rows;
    for (let j = 0; j < rows.length; j++) {
      const row = rows[j]!;
      // The level below first: it reads this row's key before the row becomes a state.
      if (include.children.length) prepareRelated(row, include.children);
      include.related.readAhead(row);
    }
  }
}

/**
 * The related rows under `owner`, from the JSON columns the statement sent there: each a copy
 * of the blank row, with its foreign key put back from the owner (see `keyFromOwner`) and the
 * columns' JSON values turned into the drivers' values (`jsonColumnReader`).
 */
function rowsFromColumns(include: PlannedInclude, owner: Row | JsonRow): JsonRow[] {
  const columns = (owner as Slots)[include.slot] as unknown[][] | null;
  // Over no row, each aggregate is null.
  const count = columns?.[0]?.length ?? 0;
  if (count === 0) return [];
  // Every row under one owner holds the owner's key: put in once, then copied.
  const blank = include.fromOwner
    ? withOwnerKey(include, include.blank.slice(), owner)
    : include.blank;
  const rows: JsonRow[] = [];
  for (let j = 0; j < count; j++) rows.push(blank.slice());
  const { sent, readers } = include;
  for (let c = 0; c < sent.length; c++) {
    const at = sent[c]!;
    const values = columns![c]!;
    const read = readers[c];
    for (let j = 0; j < count; j++) {
      const value = values[j];
      rows[j]![at] = read === undefined || value === null ? value : read(value);
    }
  }
  return rows;
}

/** The related row under `owner` (none or one), from the JSON array of its values. */
function rowFromValues(include: PlannedInclude, owner: Row | JsonRow): JsonRow[] {
  const values = (owner as Slots)[include.slot] as unknown[] | null;
  if (values === null || values === undefined) return [];
  const row = withOwnerKey(include, include.blank.slice(), owner);
  const { sent, readers } = include;
  for (let c = 0; c < sent.length; c++) {
    const value = values[c];
    const read = readers[c];
    row[sent[c]!] = read === undefined || value === null ? value : read(value);
  }
  return [row];
}

/**
 * The root SELECT with the include subqueries in its select list. PostgreSQL computes the
 * select list of the rows an OFFSET skips too, so with an offset the page's keys are chosen
 * first (`key IN (SELECT key … LIMIT … OFFSET …)`) and only its rows carry the tree.
 */
function rootSelect(meta: ModelMeta, state: QueryState, subqueries: readonly Expr[]): SelectNode {
  const columns = [star, ...countColumns(meta, state.counts), ...subqueries];
  if (state.offset === undefined || state.lock) return selectNode(meta, state, columns);
  const page: Expr = {
    kind: 'inSubquery',
    left: keyOperand(meta.key.names),
    query: selectNode(
      meta,
      state,
      meta.key.names.map((name) => column(name)),
    ),
  };
  return { kind: 'select', from: meta.tableName, columns, where: page, orderBy: state.order };
}

/** The `'auto'` rule: one statement for a page of records and a shallow tree. */
function smallTree(state: QueryState, includes: readonly IncludeNode[]): boolean {
  return (
    state.limit !== undefined &&
    state.limit <= JSON_INCLUDE_MAX_LIMIT &&
    depthOf(includes) <= JSON_INCLUDE_MAX_DEPTH
  );
}

function depthOf(nodes: readonly IncludeNode[]): number {
  return nodes.reduce((deepest, n) => Math.max(deepest, 1 + depthOf(n.children)), 0);
}

/** Whether the tree holds a relation whose related rows owners may share. */
function sharesRows(planned: readonly PlannedInclude[]): boolean {
  return planned.some(
    ({ relation, children }) =>
      relation.kind === 'belongsTo' || relation.kind === 'manyToMany' || sharesRows(children),
  );
}

function planNode(
  source: QuerySource<object>,
  meta: ModelMeta,
  node: IncludeNode,
  slot: string | number,
): PlannedInclude {
  const relation = meta.relation(node.property)!;
  if (relation.kind === 'belongsTo' && relation.typeKey) throw new NotPlannable();
  const target = relation.kind === 'belongsTo' ? relation.targets[0]! : relation.target;
  const columns = target.columns;
  const width = columns.length;
  const related = source.related(target);
  let fromOwner = keyFromOwner(relation, meta, target);
  // The statement sends some column, whose values tell how many rows there are.
  if (fromOwner?.positions.length === width && !node.children.length) fromOwner = undefined;
  const taken = new Set(fromOwner?.positions);
  const sent: number[] = [];
  for (let i = 0; i < width + node.children.length; i++) if (!taken.has(i)) sent.push(i);
  if (sent.length > MAX_JSON_COLUMNS) throw new NotPlannable();
  return {
    relation,
    target,
    related,
    slot,
    toOne: relation.kind === 'belongsTo' || relation.kind === 'hasOne',
    sent,
    readers: sent.map((at) => (at < width ? jsonColumnReader(columns[at]!) : undefined)),
    blank: Array.from({ length: width + node.children.length + READ_AHEAD_SLOTS }, () => null),
    fromOwner,
    // A related row is its columns, then one slot per nested include.
    children: node.children.map((child, i) => planNode(related, target, child, width + i)),
  };
}

/**
 * For a hasMany or hasOne, the related rows' foreign key equals the owner's key it refers to,
 * so the statement need not send it (the nested load of users → posts → comments answered 5–8%
 * sooner without it). Only where the two are the same plain type, so the owner's value is
 * exactly the value the driver would have read (and no mutable object is shared).
 */
function keyFromOwner(
  relation: RelationMeta,
  owner: ModelMeta,
  target: ModelMeta,
): KeyFromOwner | undefined {
  if (relation.kind !== 'hasMany' && relation.kind !== 'hasOne') return undefined;
  const { foreignKey, localKey } = relation;
  const sameValues = foreignKey.columns.every((fk, i) => {
    const local = localKey.columns[i]!;
    return (
      fk.type === local.type &&
      !fk.sqlType.userDefined &&
      !local.sqlType.userDefined &&
      !fk.mutable &&
      jsonColumnReader(fk) === undefined
    );
  });
  if (!sameValues) return undefined;
  return {
    positions: foreignKey.positionsIn(target.columns),
    ownerNames: localKey.names,
    ownerPositions: localKey.positionsIn(owner.columns),
  };
}

/** The related query as the per-relation strategy would run it: scopes, refinement, order. */
function relatedState(source: QuerySource<object>, planned: PlannedInclude, node: IncludeNode) {
  const { relation, target } = planned;
  let query: Query<object> = relatedQuery(source, target);
  if (relation.kind !== 'belongsTo' && relation.kind !== 'manyToMany' && relation.typeKey) {
    query = query.where({ [relation.typeKey.property]: relation.typeValue } as never);
  }
  query = refined(query, node.refine);
  if (relation.kind !== 'belongsTo') query = ordered(query, relation.order);
  const state = query['state'];
  const { limit, offset, select, distinct, lock, through, includes } = state;
  if (limit !== undefined || offset !== undefined || select || distinct || lock || through)
    throw new NotPlannable();
  if (includes?.length) throw new NotPlannable();
  return state;
}

function subqueryOf(
  source: QuerySource<object>,
  planned: PlannedInclude,
  node: IncludeNode,
  outer: string,
  aliases: { next: number },
): Expr {
  const { relation, target, related } = planned;
  const state = relatedState(source, planned, node);
  const alias = `i${++aliases.next}`;
  const width = target.columns.length;
  const columns = planned.sent.map((at): Expr => {
    if (at < width) return jsonColumnExpr(target.columns[at]!, alias);
    const child = at - width;
    return subqueryOf(related, planned.children[child]!, node.children[child]!, alias, aliases);
  });
  const query: SelectNode = {
    kind: 'select',
    from: target.tableName,
    alias,
    columns,
    ...correlation(relation, target, alias, outer),
    orderBy: state.order,
  };
  const conditions = conditionsOf(target, state);
  const where = and([query.where!, ...conditions]);
  // One row needs no aggregate, where `json_agg` of each column costs the server per column.
  return { kind: planned.toOne ? 'jsonRow' : 'jsonColumns', query: { ...query, where } };
}

/** How the related rows refer to the outer row: key columns equal, through the join table. */
function correlation(
  relation: RelationMeta,
  target: ModelMeta,
  alias: string,
  outer: string,
): Pick<SelectNode, 'joins' | 'where'> {
  switch (relation.kind) {
    case 'belongsTo':
      return {
        where: keysMatch(relation.otherKey(target).names, alias, relation.foreignKey.names, outer),
      };
    case 'hasMany':
    case 'hasOne':
      return {
        where: keysMatch(relation.foreignKey.names, alias, relation.localKey.names, outer),
      };
    case 'manyToMany': {
      const through = `${alias}_through`;
      return {
        joins: [
          {
            table: relation.throughTable,
            alias: through,
            on: keysMatch(relation.otherColumns, through, relation.targetKey.names, alias),
          },
        ],
        where: keysMatch(relation.foreignColumns, through, relation.localKey.names, outer),
      };
    }
  }
}

/** Whether no two rows hold the same primary key. */
function haveDistinctKeys(meta: ModelMeta, rows: readonly Row[]): boolean {
  const seen = new Set<unknown>();
  for (const row of rows) {
    const hash = meta.key.hashOfRow(row);
    if (hash === undefined || seen.has(hash)) return false;
    seen.add(hash);
  }
  return true;
}

/**
 * Builds the related records of one level from the JSON of their owners' rows: each related
 * row hydrated once (one sibling group per level, as one query per level gives), attached
 * through the relation store, then the level below.
 *
 * @param distinctOwners whether no two owners hold the same primary key (the records of a
 *   level below are each hydrated once, so they hold distinct keys)
 */
function attachLevel(
  source: QuerySource<object>,
  owners: readonly object[],
  rows: ReadonlyArray<Row | JsonRow>,
  planned: readonly PlannedInclude[],
  distinctOwners: boolean,
): void {
  for (const include of planned) {
    const related = include.related;
    const relatedRows: JsonRow[] = [];
    const placement = underOneOwnerEach(include.relation, source.meta, distinctOwners)
      ? rowsInOrder(rows, include, relatedRows)
      : positionsByKey(rows, include, relatedRows);
    const records = related.hydratePositional(relatedRows);
    attachToOwners(source, owners, include, records, placement);
    if (include.children.length && records.length) {
      attachLevel(related, records, relatedRows, include.children, true);
      // The rows are now the records' states: they need not keep the nested rows' lists.
      for (const row of relatedRows)
        for (const child of include.children) row[child.slot as number] = null;
    }
  }
}

/**
 * Sets each owner's related records: a run of `records` ending at `placement[i]` (rows under
 * one owner each, in their owners' order), or the records at the owner's positions.
 */
function attachToOwners(
  source: QuerySource<object>,
  owners: readonly object[],
  { relation, toOne }: PlannedInclude,
  records: readonly object[],
  placement: Int32Array | number[][],
): void {
  const property = relation.property;
  let start = 0;
  for (let i = 0; i < owners.length; i++) {
    let found: object[];
    if (placement instanceof Int32Array) {
      const end = placement[i]!;
      found = records.slice(start, end);
      start = end;
    } else {
      found = placement[i]!.map((at) => records[at]!);
    }
    source.relations.set(owners[i]!, property, toOne ? (found[0] ?? null) : found);
  }
}

/**
 * Whether each related row can be under one owner only: the rows of a hasMany or hasOne that
 * refers to its owners' primary key, when no two owners hold the same key. A parent, a tag,
 * or a row matched by another local key (two owners of one city) may be under several.
 */
function underOneOwnerEach(
  relation: RelationMeta,
  owner: ModelMeta,
  distinctOwners: boolean,
): boolean {
  if (!distinctOwners || (relation.kind !== 'hasMany' && relation.kind !== 'hasOne')) return false;
  const local = relation.localKey.names;
  const primary = owner.key.names;
  return local.length === primary.length && local.every((name, i) => name === primary[i]);
}

function itemsOf(row: Row | JsonRow, include: PlannedInclude): JsonRow[] {
  return ((row as Slots)[include.slot] ?? []) as JsonRow[];
}

/**
 * Collects the (prepared) related rows under `rows` into `relatedRows` as they come; where each
 * owner's rows end in it (they start where the previous owner's end).
 */
function rowsInOrder(
  rows: ReadonlyArray<Row | JsonRow>,
  include: PlannedInclude,
  relatedRows: JsonRow[],
): Int32Array {
  const ends = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const owner = rows[i]!;
    const items = itemsOf(owner, include);
    for (let j = 0; j < items.length; j++) relatedRows.push(items[j]!);
    ends[i] = relatedRows.length;
  }
  return ends;
}

/**
 * Collects the (prepared) related rows under `rows` into `relatedRows`, each key once, and
 * answers each owner's positions in it. Keys are compared on the drivers' values, as the
 * per-level strategy compares them.
 */
function positionsByKey(
  rows: ReadonlyArray<Row | JsonRow>,
  include: PlannedInclude,
  relatedRows: JsonRow[],
): number[][] {
  const key = include.target.key;
  const keyPositions = key.positionsIn(include.target.columns);
  const single = key.composite ? undefined : keyPositions[0]!;
  // One column's values all have one type, so a one-column key of a primitive value is its
  // own map key (a text per row costs a number-to-string conversion); a Date or a buffer is
  // hashed by value.
  const position = new Map<unknown, number>();
  return rows.map((row) =>
    itemsOf(row, include).map((item) => {
      const value = single === undefined ? undefined : item[single];
      const hash =
        (single === undefined || (typeof value === 'object' && value !== null)
          ? key.hashAt(item, keyPositions)
          : value) ?? `#${relatedRows.length}`;
      let at = position.get(hash);
      if (at === undefined) {
        at = relatedRows.push(item) - 1;
        position.set(hash, at);
      }
      return at;
    }),
  );
}

/** Puts in the foreign key the statement did not send, from the owner's row (in place). */
function withOwnerKey(include: PlannedInclude, row: JsonRow, owner: Row | JsonRow): JsonRow {
  const fromOwner = include.fromOwner;
  if (fromOwner === undefined) return row;
  const byPosition = Array.isArray(owner);
  const { positions, ownerNames, ownerPositions } = fromOwner;
  for (let i = 0; i < positions.length; i++) {
    row[positions[i]!] = byPosition ? owner[ownerPositions[i]!] : owner[ownerNames[i]!];
  }
  return row;
}

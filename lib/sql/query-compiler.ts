import type { SqlType } from '../metadata/model-meta';
import type {
  DeleteNode,
  Expr,
  InsertNode,
  OrderNode,
  SelectNode,
  StatementNode,
  UpdateNode,
} from './nodes';
import { quoteIdentifier } from './quote-identifier';
import { SqlFragment, SqlIdentifier } from './sql-fragment';

/** Compiled SQL: the text with `$n` placeholders, and the values bound to them. */
export interface CompiledQuery {
  readonly text: string;
  readonly values: unknown[];
  /** A SELECT that locks no rows: it only reads, so a read replica may answer it. */
  readonly reads?: boolean;
}

/**
 * Turns a statement tree or a fragment into `{ text, values }`. The only place that writes
 * SQL text: identifiers are quoted here and every value becomes a parameter.
 *
 * @example
 * compileStatement({ kind: 'delete', table: 'users', where }); // { text: 'DELETE FROM "users" WHERE …', values }
 */
export function compileStatement(node: StatementNode | SqlFragment): CompiledQuery {
  const compiler = new QueryCompiler();
  if (node instanceof SqlFragment) compiler.fragment(node);
  else compiler.statement(node);
  if (!(node instanceof SqlFragment) && node.kind === 'select' && !node.lock) {
    return { text: compiler.text, values: compiler.values, reads: true };
  }
  return { text: compiler.text, values: compiler.values };
}

class QueryCompiler {
  text = '';
  readonly values: unknown[] = [];
  /** Table that owns unqualified columns while compiling a select with joins. */
  private qualifier: string | undefined;

  statement(node: StatementNode): void {
    switch (node.kind) {
      case 'select':
        return this.select(node);
      case 'insert':
        return this.insert(node);
      case 'update':
        return this.update(node);
      case 'delete':
        return this.delete(node);
    }
  }

  private select(node: SelectNode): void {
    const outerQualifier = this.qualifier;
    this.qualifier =
      node.joins?.length && typeof node.from === 'string' ? (node.alias ?? node.from) : undefined;
    this.text += node.distinct ? 'SELECT DISTINCT ' : 'SELECT ';
    this.list(node.columns);
    if (typeof node.from === 'string') {
      this.text += ' FROM ' + quoteIdentifier(node.from);
      if (node.alias) this.text += ' AS ' + quoteIdentifier(node.alias);
    } else {
      this.text += ' FROM (';
      this.select(node.from.query);
      this.text += ') AS ' + quoteIdentifier(node.from.alias);
    }
    for (const join of node.joins ?? []) {
      this.text += ' JOIN ' + quoteIdentifier(join.table) + ' AS ' + quoteIdentifier(join.alias);
      this.text += ' ON ';
      this.expr(join.on);
    }
    this.where(node.where);
    if (node.groupBy?.length) {
      this.text += ' GROUP BY ';
      this.list(node.groupBy);
    }
    if (node.having) {
      this.text += ' HAVING ';
      this.expr(node.having);
    }
    if (node.orderBy?.length) this.orderBy(node.orderBy);
    if (node.limit) {
      this.text += ' LIMIT ';
      this.expr(node.limit);
    }
    if (node.offset) {
      this.text += ' OFFSET ';
      this.expr(node.offset);
    }
    if (node.lock) {
      this.text += ' FOR ' + node.lock.strength;
      if (node.lock.wait) this.text += ' ' + node.lock.wait;
    }
    this.qualifier = outerQualifier;
  }

  private insert(node: InsertNode): void {
    this.text += 'INSERT INTO ' + quoteIdentifier(node.table);
    const source = node.source;
    if (source.kind === 'defaultValues') {
      this.text += ' DEFAULT VALUES';
    } else if (source.kind === 'defaultRows') {
      // A select of no columns gives rows whose every column takes its default.
      this.text += ' SELECT FROM generate_series(1, ';
      this.expr(source.count);
      this.text += ')';
    } else {
      this.text += ' (' + node.columns.map(quoteIdentifier).join(', ') + ')';
      if (source.kind === 'values') {
        this.text += ' VALUES ';
        source.rows.forEach((row, i) => {
          if (i > 0) this.text += ', ';
          this.text += '(';
          this.list(row);
          this.text += ')';
        });
      } else if (source.kind === 'select') {
        this.text += ' ';
        this.select(source.query);
      } else {
        const constant = source.constant ?? [];
        const aliases = node.columns.map((_, i) => 'c' + i);
        this.text += ' SELECT ';
        aliases.forEach((alias, i) => {
          if (i > 0) this.text += ', ';
          if (constant[i]) return this.expr(source.arrays[i]!);
          const cast = source.elementCasts[i];
          this.text += cast ? `u.${alias}::${typeName(cast)}` : `u.${alias}`;
        });
        this.text += ' FROM unnest(';
        this.list(source.arrays.filter((_, i) => !constant[i]));
        this.text += ') AS u(' + aliases.filter((_, i) => !constant[i]).join(', ') + ')';
      }
    }
    if (node.onConflict) {
      const { target, update, set } = node.onConflict;
      this.text += ' ON CONFLICT (' + target.map(quoteIdentifier).join(', ') + ')';
      if (update.length === 0 && !set?.length) {
        this.text += ' DO NOTHING';
      } else {
        this.text += ' DO UPDATE SET ';
        const assignments = update.map(
          (c) => `${quoteIdentifier(c)} = EXCLUDED.${quoteIdentifier(c)}`,
        );
        this.text += assignments.join(', ');
        set?.forEach(([name, value], i) => {
          if (i > 0 || assignments.length > 0) this.text += ', ';
          this.text += quoteIdentifier(name) + ' = ';
          this.expr(value);
        });
      }
    }
    this.returning(node.returning);
  }

  private update(node: UpdateNode): void {
    this.text += 'UPDATE ' + quoteIdentifier(node.table) + ' SET ';
    node.set.forEach(([name, value], i) => {
      if (i > 0) this.text += ', ';
      this.text += quoteIdentifier(name) + ' = ';
      this.expr(value);
    });
    if (node.from) {
      this.text += ' FROM unnest(';
      this.list(node.from.arrays);
      this.text += ') AS ' + quoteIdentifier(node.from.alias);
      this.text += '(' + node.from.columns.map(quoteIdentifier).join(', ') + ')';
    }
    this.where(node.where);
    this.returning(node.returning);
  }

  private delete(node: DeleteNode): void {
    this.text += 'DELETE FROM ' + quoteIdentifier(node.table);
    this.where(node.where);
    this.returning(node.returning);
  }

  private where(where: Expr | undefined): void {
    if (!where) return;
    this.text += ' WHERE ';
    this.expr(where);
  }

  private returning(columns: readonly Expr[] | undefined): void {
    if (!columns?.length) return;
    this.text += ' RETURNING ';
    this.list(columns);
  }

  private orderBy(items: readonly OrderNode[]): void {
    this.text += ' ORDER BY ';
    items.forEach((item, i) => {
      if (i > 0) this.text += ', ';
      this.expr(item.expr);
      if (item.verbatim) return;
      this.text += ' ' + item.direction;
      if (item.nulls) this.text += ' NULLS ' + item.nulls;
    });
  }

  private list(items: readonly Expr[]): void {
    items.forEach((item, i) => {
      if (i > 0) this.text += ', ';
      this.expr(item);
    });
  }

  private expr(e: Expr): void {
    switch (e.kind) {
      case 'column': {
        const table = e.table ?? this.qualifier;
        if (table !== undefined) this.text += quoteIdentifier(table) + '.';
        this.text += quoteIdentifier(e.name);
        return;
      }
      case 'param':
        this.parameter(e.value, e.cast);
        return;
      case 'binary':
        this.operand(e.left);
        this.text += ' ' + e.operator + ' ';
        this.operand(e.right);
        return;
      case 'inArray':
        this.operand(e.left);
        this.text += e.negated ? ' <> ALL(' : ' = ANY(';
        this.expr(e.array);
        this.text += ')';
        return;
      case 'and':
      case 'or':
        if (e.items.length === 0) {
          this.text += e.kind === 'and' ? 'TRUE' : 'FALSE';
          return;
        }
        e.items.forEach((item, i) => {
          if (i > 0) this.text += e.kind === 'and' ? ' AND ' : ' OR ';
          this.operand(item);
        });
        return;
      case 'not':
        this.text += 'NOT (';
        this.expr(e.item);
        this.text += ')';
        return;
      case 'isNull':
        this.operand(e.item);
        this.text += e.negated ? ' IS NOT NULL' : ' IS NULL';
        return;
      case 'between':
        this.operand(e.item);
        this.text += ' BETWEEN ';
        this.operand(e.low);
        this.text += ' AND ';
        this.operand(e.high);
        return;
      case 'fragment':
        this.fragment(e.fragment);
        return;
      case 'aggregate':
        this.text += e.fn + '(' + (e.distinct ? 'DISTINCT ' : '');
        if (e.arg === '*') this.text += '*';
        else this.expr(e.arg);
        this.text += ')';
        return;
      case 'row':
        this.text += 'ROW(';
        this.list(e.items);
        this.text += ')';
        return;
      case 'alias':
        this.expr(e.item);
        this.text += ' AS ' + quoteIdentifier(e.alias);
        return;
      case 'exists':
        this.text += 'EXISTS (';
        this.select(e.query);
        this.text += ')';
        return;
      case 'inSubquery':
        this.operand(e.left);
        this.text += ' IN (';
        this.select(e.query);
        this.text += ')';
        return;
      case 'inUnnest':
        this.operand(e.left);
        this.text += ' IN (SELECT * FROM unnest(';
        this.list(e.arrays);
        this.text += '))';
        return;
      case 'keyword':
        if (e.keyword === '*' && this.qualifier) this.text += quoteIdentifier(this.qualifier) + '.';
        this.text += e.keyword;
        return;
      case 'cast':
        this.operand(e.item);
        this.text += '::' + typeName(e.type);
        return;
      case 'tableStar':
        this.text += quoteIdentifier(e.table) + '.*';
        return;
      case 'subquery':
        this.text += '(';
        this.select(e.query);
        this.text += ')';
        return;
      case 'jsonColumns':
        this.text += '(';
        this.select(jsonColumnsSelect(e.query));
        this.text += ')';
        return;
      case 'jsonRow':
        this.text += '(';
        this.select({
          ...e.query,
          columns: [{ kind: 'jsonArray', items: e.query.columns }],
          limit: { kind: 'param', value: 1 },
        });
        this.text += ')';
        return;
      case 'jsonArray':
        this.text += 'json_build_array(';
        this.list(e.items);
        this.text += ')';
        return;
    }
  }

  /** Compound and raw operands are parenthesized so precedence never changes meaning. */
  private operand(e: Expr): void {
    const compound = e.kind === 'and' || e.kind === 'or' || e.kind === 'fragment';
    if (compound) this.text += '(';
    this.expr(e);
    if (compound) this.text += ')';
  }

  private parameter(value: unknown, cast: SqlType | undefined): void {
    this.values.push(value);
    this.text += '$' + this.values.length;
    // An array of a user-defined type (enum[]) travels as text[]: PGlite cannot serialize a
    // parameter of a type it does not know, and text[] → enum[] is a plain cast on the server.
    if (cast?.userDefined && cast.array) this.text += '::text[]';
    if (cast) this.text += '::' + typeName(cast);
  }

  fragment(fragment: SqlFragment): void {
    const { strings, values } = fragment;
    for (let i = 0; i < strings.length; i++) {
      this.text += strings[i];
      if (i >= values.length) continue;
      const value = values[i];
      if (value instanceof SqlFragment) this.fragment(value);
      else if (value instanceof SqlIdentifier)
        this.text += value.names.map(quoteIdentifier).join('.');
      else this.parameter(value, undefined);
    }
  }
}

function typeName(type: SqlType): string {
  return (type.userDefined ? quoteIdentifier(type.name) : type.name) + (type.array ? '[]' : '');
}

/** The derived table through which ordered column aggregates read their rows. */
const SORTED_ROWS = 'sorted';

/**
 * The SELECT of a `jsonColumns` subquery. Ordered, the rows are sorted once by a derived
 * table that the aggregates read in its order (a subquery with ORDER BY is never merged into
 * the query reading it): an ORDER BY in each aggregate would sort once per column, and rows
 * tied on the order could come out of two sorts in two orders, misaligning the columns.
 */
function jsonColumnsSelect(query: SelectNode): SelectNode {
  const { columns, orderBy } = query;
  if (!orderBy?.length) return { ...query, columns: [columnArrays(columns)] };
  const named = columns.map((item, i): Expr => ({ kind: 'alias', item, alias: `c${i}` }));
  return {
    kind: 'select',
    from: { query: { ...query, columns: named }, alias: SORTED_ROWS },
    columns: [
      columnArrays(columns.map((_, i) => ({ kind: 'column', name: `c${i}`, table: SORTED_ROWS }))),
    ],
  };
}

/** `json_build_array(json_agg(item1), json_agg(item2), …)`. */
function columnArrays(items: readonly Expr[]): Expr {
  return {
    kind: 'jsonArray',
    items: items.map((arg) => ({ kind: 'aggregate', fn: 'json_agg', arg, distinct: false })),
  };
}

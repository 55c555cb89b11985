import { InvalidQueryError, InvalidValueError } from '../errors/invalid-query-error';
import { checkedValue } from '../metadata/checked-value';
import { isRangeType } from '../metadata/column-types';
import type { ColumnMeta, ModelMeta, SqlType } from '../metadata/model-meta';
import { describeValueKind } from '../metadata/value-checks';
import { column, param, and, type BinaryOperator, type Expr } from '../sql/nodes';
import { SqlFragment } from '../sql/sql-fragment';
import { isPlainObject, own, ownCopy } from '../util/objects';
import { unknownField } from './field-lookup';
import { typedCondition } from './typed-operators';
import { relationCondition } from './relation-filter';

const comparison: Record<string, BinaryOperator> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};
const textMatch: Record<string, BinaryOperator> = {
  like: 'LIKE',
  ilike: 'ILIKE',
  notLike: 'NOT LIKE',
  notIlike: 'NOT ILIKE',
};
const arrayMatch: Record<string, BinaryOperator> = {
  contains: '@>',
  containedBy: '<@',
  overlaps: '&&',
};

const textTypes = new Set(['text', 'varchar', 'char', 'citext', 'uuid', 'enum']);

/**
 * Turns a `where` object into an expression, checking every field name, operator and value
 * against the model first. Nothing reaches SQL that the model does not declare.
 *
 * @example
 * parseWhere(meta, { title: { like: 'a%' }, id: [1, 2] }); // title LIKE $1 AND id = ANY($2)
 */
export function parseWhere(meta: ModelMeta, input: unknown, table?: string, depth = 0): Expr {
  if (input instanceof SqlFragment) return { kind: 'fragment', fragment: input };
  if (!isPlainObject(input)) {
    throw new InvalidQueryError(
      `${meta.className}.where() expects an object of fields or a sql fragment`,
      meta.className,
    );
  }
  const conditions: Expr[] = [];
  for (const key of Object.keys(input)) {
    const field = meta.column(key);
    if (field) {
      conditions.push(parseCondition(meta, field, input[key], table));
      continue;
    }
    const relation = meta.relation(key);
    if (!relation) throw unknownField(meta, key);
    conditions.push(
      relationCondition(meta, relation, input[key], table ?? meta.tableName, depth, parseWhere),
    );
  }
  return and(conditions);
}

function parseCondition(
  meta: ModelMeta,
  field: ColumnMeta,
  value: unknown,
  table: string | undefined,
): Expr {
  const target = column(field.name, table);
  if (value === undefined) {
    throw new InvalidQueryError(
      `${meta.className}.${field.property} is undefined in a where clause; use null for IS NULL or leave the field out`,
      meta.className,
      field.property,
    );
  }
  if (value === null) return { kind: 'isNull', item: target, negated: false };
  if (value instanceof SqlFragment) {
    return {
      kind: 'binary',
      operator: '=',
      left: target,
      right: { kind: 'fragment', fragment: value },
    };
  }
  if (Array.isArray(value) && !field.isArray) return inList(meta, field, target, value, false);
  if (isPlainObject(value) && meta.hidden.has(field.property)) throw hiddenOperator(meta, field);
  // A json value, or a malformed range (refused below as a value), may be a plain object too.
  const valueLike = field.isJson || isRangeType(field.type);
  if (isPlainObject(value) && !(valueLike && !looksLikeOperators(value))) {
    return parseOperators(meta, field, target, value);
  }
  if (field.isJson) {
    throw new InvalidQueryError(
      `${meta.className}.${field.property} is a JSON field: compare it with an operator ({ contains: … }, { eq: … }, { hasKey: … })`,
      meta.className,
      field.property,
    );
  }
  return { kind: 'binary', operator: '=', left: target, right: valueParam(meta, field, value) };
}

function parseOperators(
  meta: ModelMeta,
  field: ColumnMeta,
  target: Expr,
  ops: Record<string, unknown>,
): Expr {
  const keys = Object.keys(ops);
  if (keys.length === 0) {
    throw new InvalidQueryError(
      `${meta.className}.${field.property}: empty operator object`,
      meta.className,
      field.property,
    );
  }
  const parts: Expr[] = [];
  for (const op of keys) {
    const operand = ops[op];
    if (operand === undefined) {
      throw new InvalidQueryError(
        `${meta.className}.${field.property}: operator "${op}" has no value`,
        meta.className,
        field.property,
      );
    }
    parts.push(parseOperator(meta, field, target, op, operand));
  }
  return and(parts);
}

function parseOperator(
  meta: ModelMeta,
  field: ColumnMeta,
  target: Expr,
  op: string,
  operand: unknown,
): Expr {
  switch (op) {
    case 'eq':
      return operand === null
        ? { kind: 'isNull', item: target, negated: false }
        : { kind: 'binary', operator: '=', left: target, right: valueParam(meta, field, operand) };
    case 'ne':
      return operand === null
        ? { kind: 'isNull', item: target, negated: true }
        : { kind: 'binary', operator: '<>', left: target, right: valueParam(meta, field, operand) };
    case 'isNull':
      if (typeof operand !== 'boolean') throw operatorValue(meta, field, op, 'a boolean', operand);
      return { kind: 'isNull', item: target, negated: !operand };
    case 'in':
    case 'notIn':
      if (!Array.isArray(operand)) throw operatorValue(meta, field, op, 'an array', operand);
      return inList(meta, field, target, operand, op === 'notIn');
    case 'between': {
      if (!Array.isArray(operand) || operand.length !== 2)
        throw operatorValue(meta, field, op, 'a [low, high] pair', operand);
      return {
        kind: 'between',
        item: target,
        low: valueParam(meta, field, operand[0]),
        high: valueParam(meta, field, operand[1]),
      };
    }
    case 'hasKey':
      if (!field.isJson) throw operatorField(meta, field, op, 'JSON');
      if (typeof operand !== 'string') throw operatorValue(meta, field, op, 'a string', operand);
      return { kind: 'binary', operator: '?', left: target, right: param(operand) };
  }
  const compare = own(comparison, op);
  if (compare && !field.isJson) {
    return {
      kind: 'binary',
      operator: compare,
      left: target,
      right: valueParam(meta, field, operand),
    };
  }
  const match = own(textMatch, op);
  if (match) {
    if (!textTypes.has(field.type)) throw operatorField(meta, field, op, 'text');
    if (typeof operand !== 'string') throw operatorValue(meta, field, op, 'a string', operand);
    // uuid and enum have no LIKE operator: match their text
    const left: Expr =
      field.type === 'uuid' || field.type === 'enum'
        ? { kind: 'cast', item: target, type: { name: 'text', userDefined: false, array: false } }
        : target;
    return { kind: 'binary', operator: match, left, right: param(operand) };
  }
  if (op === 'contains' && field.isJson) {
    if (operand === null) throw operatorValue(meta, field, op, 'a JSON value', operand);
    const fault = field.check(operand);
    if (fault) throw operatorValue(meta, field, op, fault, operand);
    return {
      kind: 'binary',
      operator: '@>',
      left: target,
      right: param(field.toDriver(operand), { name: 'jsonb', userDefined: false, array: false }),
    };
  }
  const typed = typedCondition(meta, field, target, op, operand);
  if (typed) return typed;
  const arrayOperator = own(arrayMatch, op);
  if (arrayOperator) {
    if (!field.isArray) throw operatorField(meta, field, op, 'array');
    return {
      kind: 'binary',
      operator: arrayOperator,
      left: target,
      right: valueParam(meta, field, operand),
    };
  }
  throw new InvalidQueryError(
    `${meta.className}.${field.property}: unknown operator ${JSON.stringify(op)}; use one of eq, ne, gt, gte, lt, lte, in, notIn, between, isNull, like, ilike, notLike, notIlike, contains, containedBy, overlaps, hasKey, matches`,
    meta.className,
    field.property,
  );
}

function inList(
  meta: ModelMeta,
  field: ColumnMeta,
  target: Expr,
  values: readonly unknown[],
  negated: boolean,
): Expr {
  const nonNull: unknown[] = [];
  let hasNull = false;
  for (const v of values) {
    if (v === null) hasNull = true;
    else nonNull.push(checkedValue(meta, field, v));
  }
  const arrayType: SqlType = { ...field.sqlType, array: true };
  const list: Expr = { kind: 'inArray', left: target, array: param(nonNull, arrayType), negated };
  if (!hasNull) return list;
  // Like Rails: [1, null] matches 1 or NULL; a SQL IN list alone never matches NULL.
  const nullTest: Expr = { kind: 'isNull', item: target, negated };
  return negated
    ? { kind: 'and', items: [list, nullTest] }
    : { kind: 'or', items: [list, nullTest] };
}

function valueParam(meta: ModelMeta, field: ColumnMeta, value: unknown): Expr {
  return param(ownCopy(checkedValue(meta, field, value)));
}

/**
 * A `@Hidden()` field is a secret (a password hash, a token): it compares by exact value only.
 * A range or pattern on it — `{ ne: '' }`, `{ like: 'a%' }`, `{ isNull: false }` arriving from a
 * JSON body in place of a string — would match without knowing the secret, or read it back one
 * guess at a time.
 */
function hiddenOperator(meta: ModelMeta, field: ColumnMeta): InvalidQueryError {
  return new InvalidQueryError(
    `${meta.className}.${field.property} is @Hidden(): it is compared by exact value only (a value, a list or null), not with operators; write sql\`…\` where code truly needs more`,
    meta.className,
    field.property,
  );
}

function operatorValue(
  meta: ModelMeta,
  field: ColumnMeta,
  op: string,
  expected: string,
  got: unknown,
): InvalidValueError {
  return new InvalidValueError(
    meta.className,
    `${field.property}.${op}`,
    expected,
    describeValueKind(got),
  );
}

function operatorField(
  meta: ModelMeta,
  field: ColumnMeta,
  op: string,
  kind: string,
): InvalidQueryError {
  return new InvalidQueryError(
    `${meta.className}.${field.property}: operator "${op}" applies to ${kind} fields only`,
    meta.className,
    field.property,
  );
}

const operatorNames = new Set([
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'notIn',
  'between',
  'isNull',
  'like',
  'ilike',
  'notLike',
  'notIlike',
  'contains',
  'containedBy',
  'overlaps',
  'hasKey',
]);

function looksLikeOperators(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => operatorNames.has(k));
}

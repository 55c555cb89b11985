import { InputNotPermittedError } from '../errors/input-not-permitted-error';
import { describeValueKind } from '../metadata/value-checks';
import { isPlainObject } from '../util/objects';
import type { FilterOperator, FilterPermission } from './filter-permissions';
import { requestBoolean, requestList, requestValue, type ValueLimits } from './request-values';

type Conditions = Partial<Record<FilterOperator, unknown>>;

/**
 * Turns a client's filter into a `where` object holding only what the policy permits. The
 * result is built here, field by field: no object from the request reaches the query, so a
 * value never becomes an operator unless the policy granted that operator on that field.
 *
 * Accepted shapes: `{ title: 'x' }`, `{ title: { ilike: '%x%' } }`, `{ id: [1, 2] }` (in),
 * `{ 'author.username': 'ada' }` and `{ author: { username: 'ada' } }`; `undefined` values
 * are left out (an absent query parameter).
 */
export function permittedWhere(
  permissions: ReadonlyMap<string, FilterPermission>,
  input: unknown,
  limits: ValueLimits,
  parameter = 'filter',
): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (input === undefined) return where;
  const seen = new Set<string>();
  for (const [dotted, raw] of leaves(permissions, input, '', parameter)) {
    if (raw === undefined) continue;
    const name = `${parameter}[${dotted}]`;
    if (seen.has(dotted)) throw new InputNotPermittedError(name, 'given twice');
    seen.add(dotted);
    const permission = permissions.get(dotted)!;
    place(where, permission.path, conditionOf(permission, raw, name, limits));
  }
  return where;
}

/** The fields named in the input, each with its raw value; only permitted paths are entered. */
function* leaves(
  permissions: ReadonlyMap<string, FilterPermission>,
  input: unknown,
  prefix: string,
  parameter: string,
): Generator<[string, unknown]> {
  if (!isPlainObject(input)) {
    throw new InputNotPermittedError(
      prefix ? `${parameter}[${prefix}]` : parameter,
      `expects fields to filter by, got ${describeValueKind(input)}`,
    );
  }
  for (const key of Object.keys(input)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (permissions.has(dotted)) {
      yield [dotted, input[key]];
    } else if (isRelationPrefix(permissions, dotted) && isPlainObject(input[key])) {
      yield* leaves(permissions, input[key], dotted, parameter);
    } else {
      throw new InputNotPermittedError(
        `${parameter}[${dotted}]`,
        `not a field this endpoint filters by; permitted: ${[...permissions.keys()].join(', ') || 'none'}`,
      );
    }
  }
}

function isRelationPrefix(
  permissions: ReadonlyMap<string, FilterPermission>,
  dotted: string,
): boolean {
  for (const path of permissions.keys()) if (path.startsWith(`${dotted}.`)) return true;
  return false;
}

function conditionOf(
  permission: FilterPermission,
  raw: unknown,
  name: string,
  limits: ValueLimits,
): Conditions {
  if (raw === null) return grant(permission, 'isNull', name, () => true);
  if (Array.isArray(raw)) {
    return grant(permission, 'in', name, () => requestList(permission.field, raw, name, limits));
  }
  if (!isPlainObject(raw)) {
    return grant(permission, 'eq', name, () => requestValue(permission.field, raw, name, limits));
  }
  const operators = Object.keys(raw);
  if (operators.length === 0) throw new InputNotPermittedError(name, 'an empty condition');
  const conditions: Conditions = {};
  for (const op of operators) {
    const operand = raw[op];
    const at = `${name}[${op}]`;
    Object.assign(
      conditions,
      grant(permission, op, at, () =>
        operandOf(permission, op as FilterOperator, operand, at, limits),
      ),
    );
  }
  return conditions;
}

/** `{ [op]: value() }` when the policy grants `op` on the field. */
function grant(
  permission: FilterPermission,
  op: string,
  name: string,
  value: () => unknown,
): Conditions {
  if (!permission.operators.has(op as FilterOperator)) {
    const granted = [...permission.operators];
    throw new InputNotPermittedError(
      name,
      granted.length === 1 && granted[0] === 'eq'
        ? 'expects a single value'
        : `"${op}" is not permitted here; use ${granted.join(', ')}`,
    );
  }
  return { [op]: value() };
}

function operandOf(
  permission: FilterPermission,
  op: FilterOperator,
  operand: unknown,
  name: string,
  limits: ValueLimits,
): unknown {
  switch (op) {
    case 'isNull':
      return requestBoolean(operand, name);
    case 'in':
    case 'notIn':
      return requestList(permission.field, operand, name, limits);
    case 'between': {
      const pair = requestList(permission.field, operand, name, limits);
      if (pair.length !== 2)
        throw new InputNotPermittedError(name, 'expects two values, low and high');
      return pair;
    }
    default:
      return requestValue(permission.field, operand, name, limits);
  }
}

/** Sets `where.author.username = conditions` for the path `['author', 'username']`. */
function place(
  where: Record<string, unknown>,
  path: readonly string[],
  conditions: Conditions,
): void {
  let level = where;
  for (const step of path.slice(0, -1)) {
    level = (level[step] ??= {}) as Record<string, unknown>;
  }
  level[path[path.length - 1]!] = conditions;
}

import { InvalidQueryError, InvalidValueError } from '../errors/invalid-query-error';
import { checkedValue } from '../metadata/checked-value';
import { isRangeType } from '../metadata/column-types';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { Range } from '../metadata/range';
import { rangeCodecOf } from '../metadata/range-codecs';
import { describeValueKind, valueCheckFor } from '../metadata/value-checks';
import { param, type BinaryOperator, type Expr } from '../sql/nodes';

// `contains`, `containedBy` and `overlaps` keep their array meaning for range and network
// fields: a range contains a range or one value, a network contains an address or a network.
// A tsvector `matches` a tsquery (`@@`).

const rangeOperators: Record<string, BinaryOperator> = {
  contains: '@>',
  containedBy: '<@',
  overlaps: '&&',
};

/** Subnet containment, the network equality included: `10.0.0.0/8 >>= 10.1.2.3`. */
const networkOperators: Record<string, BinaryOperator> = {
  contains: '>>=',
  containedBy: '<<=',
  overlaps: '&&',
};

const inetCheck = valueCheckFor('inet');

/**
 * The condition for `contains`/`containedBy`/`overlaps` on a range or inet/cidr field, or
 * `matches` on a tsvector; undefined when the field is of another type (the operator keeps its
 * array meaning, or is unknown).
 */
export function typedCondition(
  meta: ModelMeta,
  field: ColumnMeta,
  target: Expr,
  op: string,
  operand: unknown,
): Expr | undefined {
  if (field.transformer) return undefined;
  if (op === 'matches' && field.type !== 'tsvector') {
    throw new InvalidQueryError(
      `${meta.className}.${field.property}: operator "matches" applies to tsvector fields only`,
      meta.className,
      field.property,
    );
  }
  if (op === 'matches') {
    if (typeof operand !== 'string') throw badOperand(meta, field, op, 'a tsquery string', operand);
    return {
      kind: 'binary',
      operator: '@@',
      left: target,
      right: param(operand, { name: 'tsquery', userDefined: false, array: false }),
    };
  }
  if (!Object.hasOwn(rangeOperators, op)) return undefined;
  if (isRangeType(field.type)) {
    const operator = rangeOperators[op]!;
    if (op === 'contains' && !(operand instanceof Range)) {
      // One value in the range: the operand is a bound, cast to the range's element type.
      const codec = rangeCodecOf(field.type);
      const fault = operand === null ? 'a value' : codec.checkBound(operand);
      if (fault) throw badOperand(meta, field, op, `a Range or ${fault}`, operand);
      return {
        kind: 'binary',
        operator,
        left: target,
        right: param(codec.boundText(operand), {
          name: codec.elementType,
          userDefined: false,
          array: false,
        }),
      };
    }
    return {
      kind: 'binary',
      operator,
      left: target,
      right: param(checkedValue(meta, field, operand), field.sqlType),
    };
  }
  if (field.type === 'inet' || field.type === 'cidr') {
    const fault = operand === null ? 'an IP address or network' : inetCheck(operand);
    if (fault) throw badOperand(meta, field, op, fault, operand);
    return {
      kind: 'binary',
      operator: networkOperators[op]!,
      left: target,
      right: param(operand, { name: 'inet', userDefined: false, array: false }),
    };
  }
  return undefined;
}

function badOperand(
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

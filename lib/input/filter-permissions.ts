import { PolicyError } from '../errors/policy-error';
import type { ColumnMeta, ModelMeta } from '../metadata/model-meta';
import { targetsOf } from '../query/include-tree';
import { MAX_RELATION_DEPTH } from '../query/nesting-limits';

/** The operators a policy may grant a client on a field. */
export const filterOperators = [
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
] as const;

export type FilterOperator = (typeof filterOperators)[number];

const patternOperators = new Set<FilterOperator>(['like', 'ilike', 'notLike', 'notIlike']);
const textTypes = new Set(['text', 'varchar', 'char', 'citext']);

/** One field a client may filter by: where it is and what it may be compared with. */
export interface FilterPermission {
  /** Relations to go through, then the field: `['author', 'username']`. */
  readonly path: readonly string[];
  readonly field: ColumnMeta;
  readonly operators: ReadonlySet<FilterOperator>;
}

/**
 * Resolves `'author.username': ['eq', 'ilike']` against the models: every relation on the way
 * must exist (and lead to one model), the field must be a plain column that is not
 * `@Hidden()`, and each operator must fit its type.
 */
export function resolveFilterPermission(
  meta: ModelMeta,
  dotted: string,
  grant: true | readonly string[],
): FilterPermission {
  const path = dotted.split('.');
  if (path.length - 1 > MAX_RELATION_DEPTH) {
    throw new PolicyError(`${meta.className}: filter "${dotted}" goes through too many relations`);
  }
  let current = meta;
  for (const step of path.slice(0, -1)) {
    const relation = current.relation(step);
    const targets = relation ? targetsOf(relation) : [];
    if (targets.length !== 1) {
      throw new PolicyError(
        `${current.className}.${step} in filter "${dotted}" is not a relation to one model`,
      );
    }
    current = targets[0]!;
  }
  const property = path[path.length - 1]!;
  const field = current.column(property);
  if (!field)
    throw new PolicyError(`${current.className} has no field "${property}" (filter "${dotted}")`);
  if (current.hidden.has(property)) {
    throw new PolicyError(
      `${current.className}.${property} is @Hidden(): clients never filter by it`,
    );
  }
  if (field.isJson || field.isArray || field.type === 'bytea') {
    throw new PolicyError(
      `${current.className}.${property} (${field.type}) cannot be filtered from request input; filter it in code`,
    );
  }
  return { path, field, operators: operatorsOf(current, field, dotted, grant) };
}

function operatorsOf(
  meta: ModelMeta,
  field: ColumnMeta,
  dotted: string,
  grant: true | readonly string[],
): ReadonlySet<FilterOperator> {
  if (grant === true) return new Set(['eq']);
  const known = new Set<string>(filterOperators);
  for (const op of grant) {
    if (!known.has(op)) {
      throw new PolicyError(
        `filter "${dotted}": unknown operator "${op}"; use ${filterOperators.join(', ')}`,
      );
    }
    if (patternOperators.has(op as FilterOperator) && !textTypes.has(field.type)) {
      throw new PolicyError(
        `filter "${dotted}": ${op} applies to text fields, ${meta.className}.${field.property} is ${field.type}`,
      );
    }
  }
  return new Set(grant as readonly FilterOperator[]);
}

import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ModelMeta } from '../metadata/model-meta';
import type { RelationMeta } from '../metadata/relation-meta';
import { and, column, type Expr, type SelectNode } from '../sql/nodes';
import { isPlainObject } from '../util/objects';
import { keysMatch } from './key-conditions';
import { checkRelationDepth } from './nesting-limits';

/**
 * Parses the related model's part of a filter into conditions on `table`: `parseWhere`, which
 * calls `relationCondition` for relation keys and passes itself in, so the two recurse without
 * importing each other.
 */
export type NestedWhereParser = (
  meta: ModelMeta,
  input: unknown,
  table: string,
  depth?: number,
) => Expr;

/**
 * `Post.where({ author: { active: true } })` and `Author.where({ books: { stars: 5 } })`:
 * an EXISTS subquery correlated with the outer row, so a parent matching through several
 * children still comes back once.
 *
 * @example
 * relationCondition(postMeta, authorRelation, { active: true }, 'posts', 0, parseWhere);
 * // EXISTS (SELECT TRUE FROM "users" AS "r1" WHERE "r1"."id" = "posts"."author_id" AND "r1"."active" = $1)
 */
export function relationCondition(
  meta: ModelMeta,
  relation: RelationMeta,
  input: unknown,
  outer: string,
  depth: number,
  parseWhere: NestedWhereParser,
): Expr {
  if (!isPlainObject(input)) {
    throw new InvalidQueryError(
      `${meta.className}.where(): the relation "${relation.property}" takes an object of the related model's fields`,
      meta.className,
      relation.property,
    );
  }
  checkRelationDepth(meta.className, depth + 1, 'a where() filter');
  const alias = `r${depth + 1}`;
  // Soft-deleted related rows do not count, as they would not load.
  const visible = (target: ModelMeta, where: Expr): Expr =>
    target.deletedAt
      ? and([where, { kind: 'isNull', item: column(target.deletedAt.name, alias), negated: false }])
      : where;
  const correlated = (query: Omit<SelectNode, 'kind' | 'columns'>): Expr => ({
    kind: 'exists',
    query: { kind: 'select', columns: [{ kind: 'keyword', keyword: 'TRUE' }], ...query },
  });
  switch (relation.kind) {
    case 'belongsTo': {
      if (relation.typeKey) {
        throw new InvalidQueryError(
          `${meta.className}.where(): cannot filter through the polymorphic relation "${relation.property}"; filter on ${relation.typeKey.property} and ${relation.foreignKey.properties.join(', ')}`,
          meta.className,
          relation.property,
        );
      }
      const target = relation.targets[0]!;
      return correlated({
        from: target.tableName,
        alias,
        where: visible(
          target,
          and([
            keysMatch(relation.otherKey(target).names, alias, relation.foreignKey.names, outer),
            parseWhere(target, input, alias, depth + 1),
          ]),
        ),
      });
    }
    case 'hasMany':
    case 'hasOne': {
      const conditions: Expr[] = [
        keysMatch(relation.foreignKey.names, alias, relation.localKey.names, outer),
      ];
      if (relation.typeKey) {
        conditions.push(
          parseWhere(relation.target, { [relation.typeKey.property]: relation.typeValue }, alias),
        );
      }
      conditions.push(parseWhere(relation.target, input, alias, depth + 1));
      return correlated({
        from: relation.target.tableName,
        alias,
        where: visible(relation.target, and(conditions)),
      });
    }
    case 'manyToMany': {
      const through = `j${depth + 1}`;
      return correlated({
        from: relation.throughTable,
        alias: through,
        where: and([
          keysMatch(relation.foreignColumns, through, relation.localKey.names, outer),
          correlated({
            from: relation.target.tableName,
            alias,
            where: visible(
              relation.target,
              and([
                keysMatch(relation.targetKey.names, alias, relation.otherColumns, through),
                parseWhere(relation.target, input, alias, depth + 1),
              ]),
            ),
          }),
        ]),
      });
    }
  }
}

import { InvalidQueryError } from '../errors/invalid-query-error';
import type { ModelMeta } from '../metadata/model-meta';
import type { RelationMeta } from '../metadata/relation-meta';
import { isPlainObject } from '../util/objects';
import { checkRelationDepth } from './nesting-limits';

/** A refining function of an include: receives the related query, returns it changed. */
export type IncludeRefinement = (query: never) => unknown;

/** One relation to load, with what to load below it. */
export interface IncludeNode {
  readonly property: string;
  readonly refine?: IncludeRefinement;
  readonly children: readonly IncludeNode[];
}

interface MutableNode {
  refine?: IncludeRefinement;
  children: Map<string, MutableNode>;
}

/** The models a relation's records belong to (several for a polymorphic belongsTo). */
export function targetsOf(relation: RelationMeta): readonly ModelMeta[] {
  return relation.kind === 'belongsTo' ? relation.targets : [relation.target];
}

/**
 * Checks and merges include arguments (`'comments.author'`, `{ comments: q => … }`) into a
 * tree, throwing before any SQL when a path names something that is not a relation.
 */
export function parseIncludes(
  meta: ModelMeta,
  inputs: readonly unknown[],
  existing: readonly IncludeNode[] = [],
): IncludeNode[] {
  const root = new Map<string, MutableNode>();
  mergeExisting(root, existing);
  for (const input of inputs) addInput(meta, root, input, '');
  return freeze(root);
}

function mergeExisting(into: Map<string, MutableNode>, nodes: readonly IncludeNode[]): void {
  for (const node of nodes) {
    const target = nodeFor(into, node.property);
    if (node.refine) target.refine = node.refine;
    mergeExisting(target.children, node.children);
  }
}

function nodeFor(level: Map<string, MutableNode>, property: string): MutableNode {
  let node = level.get(property);
  if (!node) {
    node = { children: new Map() };
    level.set(property, node);
  }
  return node;
}

function relationOf(meta: ModelMeta, property: string, path: string): RelationMeta {
  const relation = typeof property === 'string' ? meta.relation(property) : undefined;
  if (!relation) {
    const known = meta.relationNames.length ? meta.relationNames.join(', ') : 'none';
    throw new InvalidQueryError(
      `${meta.className} has no relation ${JSON.stringify(property)}${path ? ` (in include "${path}")` : ''}; relations: ${known}`,
      meta.className,
      property,
    );
  }
  return relation;
}

function addInput(
  meta: ModelMeta,
  level: Map<string, MutableNode>,
  input: unknown,
  path: string,
): void {
  if (typeof input === 'string') {
    const parts = input.split('.');
    checkRelationDepth(meta.className, parts.length, `the include "${input.slice(0, 200)}"`);
    addPath(meta, level, parts, input);
    return;
  }
  checkRelationDepth(meta.className, path ? path.split('.').length + 1 : 1, 'an include');
  if (!isPlainObject(input)) {
    throw new InvalidQueryError(
      `${meta.className}.include() takes relation paths ('author', 'comments.author') or an object`,
      meta.className,
    );
  }
  for (const property of Object.keys(input)) {
    const value = input[property];
    const relation = relationOf(meta, property, path);
    const node = nodeFor(level, property);
    const childPath = path ? `${path}.${property}` : property;
    if (value === true) continue;
    if (typeof value === 'function') {
      node.refine = value as IncludeRefinement;
      continue;
    }
    if (isPlainObject(value)) {
      for (const target of targetsOf(relation)) addInput(target, node.children, value, childPath);
      continue;
    }
    throw new InvalidQueryError(
      `${meta.className}.include(): "${childPath}" must be true, an object of nested includes or a function`,
      meta.className,
      property,
    );
  }
}

function addPath(
  meta: ModelMeta,
  level: Map<string, MutableNode>,
  parts: readonly string[],
  path: string,
): void {
  const [property, ...rest] = parts;
  const relation = relationOf(meta, property ?? '', path);
  const node = nodeFor(level, property!);
  if (rest.length)
    for (const target of targetsOf(relation)) addPath(target, node.children, rest, path);
}

function freeze(level: Map<string, MutableNode>): IncludeNode[] {
  return [...level].map(([property, node]) => ({
    property,
    refine: node.refine,
    children: freeze(node.children),
  }));
}

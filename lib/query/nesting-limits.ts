import { InvalidQueryError } from '../errors/invalid-query-error';

/**
 * How deep a filter may reach through relations, and an include may go. Real schemas need a
 * handful of levels; input from a request could ask for hundreds, each level a join the server
 * must plan and run (100 levels held a backend for over a minute), or more than the parser's
 * stack holds.
 */
export const MAX_RELATION_DEPTH = 8;

/** Throws before any SQL when a filter or include goes deeper than `MAX_RELATION_DEPTH`. */
export function checkRelationDepth(className: string, depth: number, what: string): void {
  if (depth > MAX_RELATION_DEPTH) {
    throw new InvalidQueryError(
      `${className}: ${what} goes through more than ${MAX_RELATION_DEPTH} relations`,
      className,
    );
  }
}

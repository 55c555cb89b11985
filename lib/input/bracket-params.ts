import { InputNotPermittedError } from '../errors/input-not-permitted-error';
import { isPlainObject } from '../util/objects';

const bracketed = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;
const MAX_SEGMENTS = 4;

/**
 * Folds `filter[title][ilike]=x` keys into nested objects. Express 5 parses query strings
 * "simply" (keys stay flat, as here); the extended parser, or a JSON body, already gives nested
 * objects — both arrive the same way at the policy. The result has no prototype, so a key like
 * `__proto__` is only a name that no policy permits.
 *
 * @example
 * foldBrackets({ 'filter[author.username]': 'ada', sort: '-createdAt' });
 * // { filter: { 'author.username': 'ada' }, sort: '-createdAt' }
 */
export function foldBrackets(params: Record<string, unknown>): Record<string, unknown> {
  const folded: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(params)) {
    const path = pathOf(key);
    let level = folded;
    for (const segment of path.slice(0, -1)) {
      const next = Object.hasOwn(level, segment) ? level[segment] : undefined;
      if (next === undefined) level = level[segment] = Object.create(null);
      // A copy: the caller's objects stay as they were.
      else if (isPlainObject(next))
        level = level[segment] = Object.assign(Object.create(null), next);
      else throw new InputNotPermittedError(key, 'given both as a value and with [brackets]');
    }
    const last = path[path.length - 1]!;
    if (Object.hasOwn(level, last)) {
      throw new InputNotPermittedError(key, 'given both as a value and with [brackets]');
    }
    level[last] = params[key];
  }
  return folded;
}

function pathOf(key: string): string[] {
  const match = bracketed.exec(key);
  if (!match) return [key];
  const segments = [match[1]!, ...match[2]!.slice(1, -1).split('][')];
  if (segments.length > MAX_SEGMENTS || segments.some((s) => s === '')) {
    throw new InputNotPermittedError(key, 'not a parameter this endpoint reads');
  }
  return segments;
}

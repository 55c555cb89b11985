import { pluralize, snakeCase } from '../../metadata/naming-strategy';
import { Model } from '../../model/model';

/** `original_language_id` → `originalLanguageId`; anything not an identifier character splits words. */
export function camelCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length === 0) return 'column';
  const [first, ...rest] = words;
  const camel =
    first!.charAt(0).toLowerCase() +
    first!.slice(1) +
    rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(camel) ? `_${camel}` : camel;
}

export function pascalCase(name: string): string {
  const camel = camelCase(name).replace(/^_/, '');
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const irregularSingulars: Record<string, string> = {
  people: 'person',
  children: 'child',
  men: 'man',
  women: 'woman',
};

/** English singular of the last word of a snake_case name (the inverse of `pluralize`). */
export function singularize(name: string): string {
  const cut = name.lastIndexOf('_') + 1;
  const head = name.slice(0, cut);
  const word = name.slice(cut);
  if (Object.hasOwn(irregularSingulars, word)) return head + irregularSingulars[word];
  if (/[^aeiou]ies$/.test(word)) return head + word.slice(0, -3) + 'y';
  if (/([^aeiou]us|ss|x|z|ch|sh)es$/.test(word)) return head + word.slice(0, -2);
  if (/(ss|us|is)$/.test(word) || !word.endsWith('s')) return head + word;
  return head + word.slice(0, -1);
}

/** `originalLanguage` + many → `originalLanguages`. */
export function pluralProperty(property: string): string {
  return camelCase(pluralize(snakeCase(property)));
}

/**
 * Names a generated model file may not give a class: the package's exports it imports and the
 * JavaScript globals a model file might use.
 */
const reservedClassNames = new Set([
  'Model',
  'Rel',
  'Table',
  'Column',
  'PrimaryKey',
  'CreatedAt',
  'UpdatedAt',
  'BelongsTo',
  'HasMany',
  'HasOne',
  'ManyToMany',
  'Index',
  'Unique',
  'Check',
  'Object',
  'Array',
  'Date',
  'Map',
  'Set',
  'Promise',
  'Function',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'Error',
  'JSON',
  'Math',
  'Buffer',
  'Record',
  'Partial',
]);

/**
 * Class names for tables: the singular PascalCase of each name. When two tables give the same
 * name (`user` and `users`), the one whose name is already that singular keeps it and the other
 * takes its own name unchanged (`Users`); a name the file imports (`Index`) or a global
 * (`Date`) gets `Record` appended; a number is appended as the last resort.
 */
export function classNamesFor(tables: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const sorted = [...tables].sort((a, b) => {
    // The singular table claims the singular name first.
    const aSingular = singularize(a) === a ? 0 : 1;
    const bSingular = singularize(b) === b ? 0 : 1;
    return aSingular - bSingular || a.localeCompare(b);
  });
  for (const table of sorted) {
    const candidates = [pascalCase(singularize(table)), pascalCase(table)].map((n) =>
      reservedClassNames.has(n) ? `${n}Record` : n,
    );
    let name = candidates.find((c) => !taken.has(c));
    for (let i = 2; !name; i++) {
      if (!taken.has(`${candidates[0]}${i}`)) name = `${candidates[0]}${i}`;
    }
    taken.add(name);
    names.set(table, name);
  }
  return names;
}

/** `FilmActor` → `film-actor.model.ts`. */
export function modelFileName(className: string): string {
  return `${snakeCase(className).replace(/_/g, '-')}.model.ts`;
}

/** Instance members of `Model`: a column or relation property must not hide them. */
const modelMembers = new Set(
  Object.getOwnPropertyNames(Model.prototype).concat(['constructor', 'prototype']),
);

/** Hands out property names within one class, never twice and never a `Model` member. */
export class PropertyNames {
  private readonly taken = new Set<string>();

  /** The first free candidate, else the first one with a number appended. */
  claim(...candidates: string[]): string {
    const free = candidates.find((c) => this.isFree(c));
    if (free) return this.take(free);
    for (let i = 2; ; i++) {
      const numbered = `${candidates[0]}${i}`;
      if (this.isFree(numbered)) return this.take(numbered);
    }
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  private isFree(name: string): boolean {
    return !this.taken.has(name) && !modelMembers.has(name);
  }

  private take(name: string): string {
    this.taken.add(name);
    return name;
  }
}

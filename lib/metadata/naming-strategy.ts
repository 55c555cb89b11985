/**
 * Turns class and property names into table and column names.
 *
 * @example
 * Orm.connect({ naming: { tableName: (c) => c.toLowerCase(), columnName: (p) => p } });
 */
export interface NamingStrategy {
  tableName(className: string): string;
  columnName(propertyName: string): string;
}

/** `BlogPost` → `blog_posts`, `createdAt` → `created_at`: the Rails convention. */
export const snakeCaseNaming: NamingStrategy = {
  tableName: (className) => pluralize(snakeCase(className)),
  columnName: (propertyName) => snakeCase(propertyName),
};

export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

const irregularPlurals: Record<string, string> = {
  person: 'people',
  child: 'children',
  man: 'men',
  woman: 'women',
};

/** English plural of the last word of a snake_case name; enough for table names. */
export function pluralize(name: string): string {
  const cut = name.lastIndexOf('_') + 1;
  const head = name.slice(0, cut);
  const word = name.slice(cut);
  if (Object.hasOwn(irregularPlurals, word)) return head + irregularPlurals[word];
  if (/[^aeiou]y$/.test(word)) return head + word.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(word)) return head + word + 'es';
  return head + word + 's';
}

/** `BlogPost`, `blog-post`, `blog_post`, `blogPost` from any spelling of a name. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export const pascal = (name: string) =>
  words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
export const camel = (name: string) => {
  const p = pascal(name);
  return p[0]!.toLowerCase() + p.slice(1);
};
export const kebab = (name: string) => words(name).join('-');
export const snake = (name: string) => words(name).join('_');

/** English plural of the last word, as the ORM names tables. */
export function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(word)) return word + 'es';
  if (word === 'person') return 'people';
  return word + 's';
}

/** `BlogPost` → `blog_posts`, the ORM's default table name. */
export function tableName(name: string): string {
  const parts = words(name);
  parts[parts.length - 1] = plural(parts[parts.length - 1]!);
  return parts.join('_');
}

/** `BlogPost` → `blog-posts`, the folder of a feature. */
export function featureFolder(name: string): string {
  const parts = words(name);
  parts[parts.length - 1] = plural(parts[parts.length - 1]!);
  return parts.join('-');
}

/** `20260124103000` in UTC. */
export function timestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

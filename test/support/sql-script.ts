import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Splits a SQL script into statements at the semicolons outside quotes, dollar-quoted bodies
 * and comments (PGlite and the extended protocol take one statement at a time).
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const rest = script.slice(i);
    if (rest.startsWith('--')) {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end + 1;
    } else if (rest.startsWith('/*')) {
      i = script.indexOf('*/', i + 2) + 2;
    } else if (script[i] === "'" || script[i] === '"') {
      const quote = script[i]!;
      i++;
      while (i < script.length) {
        if (script[i] === quote && script[i + 1] === quote) i += 2;
        else if (script[i] === quote) break;
        else i++;
      }
      i++;
    } else if (script[i] === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(rest)?.[0];
      if (tag) i = script.indexOf(tag, i + tag.length) + tag.length;
      else i++;
    } else if (script[i] === ';') {
      statements.push(script.slice(start, i).trim());
      start = ++i;
    } else i++;
  }
  const last = script.slice(start).trim();
  if (last) statements.push(last);
  return statements.filter((s) => s.replace(/--[^\n]*/g, '').trim());
}

/**
 * The Pagila sample schema (test/fixtures/pagila), as statements that load into the current
 * schema of a test database: its `public.` qualifiers, search path, owners and grants are
 * left out. Its session settings stay: run them in one transaction (one session).
 */
export function pagilaStatements(): string[] {
  const script = readFileSync(
    join(process.cwd(), 'test/fixtures/pagila/pagila-schema.sql'),
    'utf8',
  );
  return splitStatements(script)
    .map((s) => s.replace(/--[^\n]*\n/g, '').trim())
    .filter(
      (s) =>
        !/^(SELECT pg_catalog\.set_config|REVOKE|GRANT|ALTER SCHEMA)\b/.test(s) &&
        !/ OWNER TO /.test(s),
    )
    .map((s) => s.replace(/\bpublic\./g, ''));
}

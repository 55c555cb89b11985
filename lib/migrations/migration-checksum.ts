import { createHash } from 'node:crypto';

/**
 * The form of a migration a checksum was taken of. An app writes its migrations in TypeScript
 * and runs them compiled: `nest-ar migrate` reads the `.ts` source, the built app the `.js` that
 * the build wrote. The two texts differ although the migration is the same, so a checksum only
 * vouches for a migration read in the same form.
 */
export type MigrationForm = 'ts' | 'js' | 'class';

const recorded = /^(ts|js|class):([0-9a-f]{64})$/;

/** `ts:<sha-256 of the text>`; line endings do not count. */
export function checksumOf(text: string, form: MigrationForm): string {
  return `${form}:${createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex')}`;
}

/** The form of a migration file, from its extension. */
export function formOfFile(file: string): MigrationForm {
  return /\.[mc]?ts$/.test(file) ? 'ts' : 'js';
}

/**
 * Whether a migration still matches the checksum recorded when it ran. Checksums of different
 * forms cannot be compared (the source and its build output), so they match; checksums recorded
 * without a form (older records) compare by their hash.
 */
export function checksumMatches(recordedChecksum: string, current: string): boolean {
  const before = recorded.exec(recordedChecksum);
  const now = recorded.exec(current);
  if (before && now) return before[1] !== now[1] || before[2] === now[2];
  const hash = (checksum: string) => recorded.exec(checksum)?.[2] ?? checksum;
  return hash(recordedChecksum) === hash(current);
}

import type { Tree } from '@angular-devkit/schematics';
import { timestamp } from './names';

/**
 * The timestamp of a new migration in `folder`: now, or one second after the latest migration
 * there. Migrations run in file-name order, so two written within one second (or with a clock
 * behind) must still sort in the order they were written: a table before the tables that
 * refer to it.
 */
export function nextMigrationTimestamp(tree: Tree, folder: string, now = new Date()): string {
  const latest = tree
    .getDir(folder)
    .subfiles.map((file) => /^(\d{14})_/.exec(file)?.[1])
    .filter((stamp): stamp is string => !!stamp)
    .sort()
    .at(-1);
  if (!latest || timestamp(now) > latest) return timestamp(now);
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(latest)!;
  return timestamp(new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s! + 1)));
}

import type { Statement } from '../context/connection';
import { currentContext } from '../context/request-context';
import { NPlusOneError } from '../errors/n-plus-one-error';

/** Settings of the N+1 detector (`Orm.connect({ nPlusOne })`). */
export interface NPlusOneOptions {
  /** Reports when one statement shape runs this many times in one context (default 10). */
  threshold?: number;
  /** Throw NPlusOneError instead of reporting (for tests). */
  strict?: boolean;
}

/** What the detector found: the repeated statement, where it came from, and the fix. */
export interface NPlusOneReport {
  readonly statement: string;
  readonly count: number;
  /** The first stack frame outside the ORM. */
  readonly callSite?: string;
  readonly message: string;
}

/** This file's folder, two levels up: the package's own frames are skipped in call sites. */
const ownRoot = (() => {
  const frame = new Error().stack?.split('\n')[1] ?? '';
  const file = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(frame)?.[1] ?? '';
  return file.split('/').slice(0, -2).join('/');
})();

function callSite(issuedAt: Error = new Error()): string | undefined {
  const frames = issuedAt.stack?.split('\n').slice(1) ?? [];
  const outside = frames.find(
    (f) =>
      !(ownRoot && f.includes(ownRoot + '/')) &&
      !f.includes('node_modules') &&
      !f.includes('node:internal') &&
      !f.includes('(<anonymous>)'),
  );
  return outside?.trim().replace(/^at /, '');
}

/**
 * Counts statement shapes per request context; when one shape repeats `threshold` times it
 * reports (once per context) the call site and what would batch it.
 */
export class NPlusOneDetector {
  private readonly threshold: number;

  constructor(
    private readonly options: NPlusOneOptions,
    private readonly report: (report: NPlusOneReport) => void,
  ) {
    this.threshold = Math.max(2, options.threshold ?? 10);
  }

  observe(statement: Statement): void {
    const context = currentContext();
    if (!context || !statement.text.startsWith('SELECT')) return;
    const count = (context.statementCounts.get(statement.text) ?? 0) + 1;
    context.statementCounts.set(statement.text, count);
    if (count < this.threshold || context.reported.has(statement.text)) return;
    context.reported.add(statement.text);
    const site = callSite(statement.issuedAt);
    const fix = statement.origin
      ? `; ${statement.origin}`
      : '; load the records together (one query with where({ key: [...] }) or include())';
    const message =
      `N+1 queries: the same statement ran ${count} times in one request` +
      (site ? ` (from ${site})` : '') +
      `${fix}. Statement: ${statement.text}`;
    if (this.options.strict) throw new NPlusOneError(message, statement.text, count);
    this.report({ statement: statement.text, count, callSite: site, message });
  }
}

/** Which ends of a range are included: `[` and `]` inclusive, `(` and `)` exclusive. */
export type RangeBounds = '[)' | '[]' | '(]' | '()';

const boundKinds: ReadonlySet<string> = new Set(['[)', '[]', '(]', '()']);

/**
 * The value of a range column (`int4range`, `tstzrange`, …): a lower and an upper bound, each
 * `null` when the range is unbounded on that side, and which bounds are included. Discrete
 * ranges (`int4range`, `int8range`, `daterange`) come back from the database in the form `[)`.
 * Immutable: make a new one to change a column.
 *
 * @example
 * @Column({ type: 'int4range' }) ages!: Range<number>;
 * record.ages = new Range(18, 65, '[]'); // read back as [18,66)
 */
export class Range<T> {
  /** No values at all (`'empty'::int4range`); its bounds are null. */
  readonly isEmpty: boolean;

  constructor(
    readonly lower: T | null,
    readonly upper: T | null,
    readonly bounds: RangeBounds = '[)',
  ) {
    this.isEmpty = false;
    Object.freeze(this);
  }

  /**
   * The empty range.
   *
   * @example
   * await Booking.where({ slot: Range.empty() });
   */
  static empty<T = never>(): Range<T> {
    const range = Object.create(Range.prototype) as { -readonly [K in keyof Range<T>]: unknown };
    range.lower = null;
    range.upper = null;
    range.bounds = '()';
    range.isEmpty = true;
    return Object.freeze(range) as unknown as Range<T>;
  }

  get lowerInclusive(): boolean {
    return this.bounds[0] === '[';
  }

  get upperInclusive(): boolean {
    return this.bounds[1] === ']';
  }

  /** `{ empty, lower, upper, bounds }`: what `toJSON()` of a record shows. */
  toJSON(): { empty: boolean; lower: T | null; upper: T | null; bounds: RangeBounds } {
    return { empty: this.isEmpty, lower: this.lower, upper: this.upper, bounds: this.bounds };
  }
}

/** Whether a value is a well-formed Range (a class instance with valid bounds). */
export function isWellFormedRange(value: unknown): value is Range<unknown> {
  if (!(value instanceof Range)) return false;
  if (value.isEmpty) return value.lower === null && value.upper === null;
  return typeof value.bounds === 'string' && boundKinds.has(value.bounds);
}

/** The range's PostgreSQL literal; each bound is written by `boundText` and quoted. */
export function formatRange(range: Range<unknown>, boundText: (bound: unknown) => string): string {
  if (range.isEmpty) return 'empty';
  const side = (bound: unknown) =>
    bound === null || bound === undefined
      ? ''
      : '"' + boundText(bound).replace(/["\\]/g, '\\$&') + '"';
  return range.bounds[0] + side(range.lower) + ',' + side(range.upper) + range.bounds[1];
}

/**
 * Reads a range as PostgreSQL prints it (`[1,5)`, `empty`, `["2024-01-01 10:00:00+00",)`);
 * `parseBound` turns each bound's text into its value.
 */
export function parseRange<T>(text: string, parseBound: (text: string) => T): Range<T> {
  if (text === 'empty') return Range.empty<T>();
  const open = text[0];
  const close = text[text.length - 1];
  if ((open !== '[' && open !== '(') || (close !== ']' && close !== ')')) {
    throw new TypeError(`Not a range literal: ${JSON.stringify(text)}`);
  }
  const [lower, upper] = splitBounds(text.slice(1, -1));
  return new Range(
    lower === undefined ? null : parseBound(lower),
    upper === undefined ? null : parseBound(upper),
    (open + close) as RangeBounds,
  );
}

/** The two bounds' texts, unquoted and unescaped; undefined for an omitted (infinite) bound. */
function splitBounds(body: string): [string | undefined, string | undefined] {
  const bounds: (string | undefined)[] = [];
  let text = '';
  let present = false;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      text += body[++i] ?? '';
      present = true;
    } else if (c === '"') {
      // Inside quotes, a doubled quote is a literal quote.
      if (quoted && body[i + 1] === '"') {
        text += '"';
        i++;
      } else quoted = !quoted;
      present = true;
    } else if (c === ',' && !quoted) {
      bounds.push(present ? text : undefined);
      text = '';
      present = false;
    } else {
      text += c;
      present = true;
    }
  }
  bounds.push(present ? text : undefined);
  if (bounds.length !== 2) throw new TypeError(`Not a range literal: ${JSON.stringify(body)}`);
  return [bounds[0], bounds[1]];
}

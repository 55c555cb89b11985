// Types only: a key is a list of the model's resolved columns.
import type { ColumnMeta } from './model-meta';

type Row = Record<string, unknown>;
type Slots = Readonly<Record<string | number, unknown>>;

/** Text of one key part: numbers, bigint strings and uuids compare as text, dates by time. */
function partText(value: unknown): string {
  return value instanceof Date ? String(value.getTime()) : String(value);
}

/**
 * The columns that identify a row, in order: a model's primary key (one column or several),
 * or the foreign key that refers to one. Every place that reads, compares, maps or describes
 * a key goes through this, so a composite key behaves as a single one does.
 *
 * @example
 * meta.key.valuesOf(order);           // [1, 7]  (tenantId, id)
 * meta.key.hash([1, 7]);              // '["1","7"]', never equal to the hash of [17, …]
 */
export class KeyColumns {
  readonly properties: readonly string[];
  readonly names: readonly string[];
  readonly composite: boolean;
  private positions?: readonly number[];

  constructor(readonly columns: readonly ColumnMeta[]) {
    if (columns.length === 0) throw new TypeError('A key needs at least one column');
    this.properties = columns.map((c) => c.property);
    this.names = columns.map((c) => c.name);
    this.composite = columns.length > 1;
  }

  /** The record's key values in order, or undefined when a part is null or missing. */
  valuesOf(record: object): unknown[] | undefined {
    return this.read(record as Row, this.properties);
  }

  /** The key values of a row as the database returned it (by column name). */
  valuesOfRow(row: Row): unknown[] | undefined {
    return this.read(row, this.names);
  }

  /**
   * A text that is equal for equal keys and differs otherwise: the value itself for one
   * column, a JSON list for several (so `(1, 12)` and `(11, 2)` stay apart).
   */
  hash(values: readonly unknown[]): string {
    return this.composite ? JSON.stringify(values.map(partText)) : partText(values[0]);
  }

  /** The hash of a record's key, or undefined when the record has no complete key. */
  hashOf(record: object): string | undefined {
    return this.hashIn(record as Row, this.properties);
  }

  /** The hash of a row's key (by column name); hydration asks it for every row. */
  hashOfRow(row: Row): string | undefined {
    return this.hashIn(row, this.names);
  }

  /** The hash of a row given as values by position, the key's at `positions`. */
  hashAt(row: readonly unknown[], positions: readonly number[]): string | undefined {
    return this.hashIn(row as unknown as Slots, positions);
  }

  /** Where the key's columns are among a model's `columns` (for rows given by position). */
  positionsIn(columns: readonly ColumnMeta[]): readonly number[] {
    this.positions ??= this.names.map((name) => columns.findIndex((c) => c.name === name));
    return this.positions;
  }

  /** Sets the key's properties on a record from values in order (null clears them all). */
  assign(record: object, values: readonly unknown[] | null): void {
    this.properties.forEach((p, i) => {
      (record as Row)[p] = values === null ? null : values[i];
    });
  }

  /** The key as a user sees it: the value for one column, `{ tenantId, id }` for several. */
  present(values: readonly unknown[]): unknown {
    if (!this.composite) return values[0];
    return Object.fromEntries(this.properties.map((p, i) => [p, values[i]]));
  }

  /** `id 7` or `tenantId 1, id 7`, for messages. */
  describe(values: readonly unknown[]): string {
    return this.properties.map((p, i) => `${p} ${String(values[i])}`).join(', ');
  }

  private hashIn(source: Slots, keys: ReadonlyArray<string | number>): string | undefined {
    if (!this.composite) {
      // No array for the common case: this runs once per hydrated row.
      const value = source[keys[0]!];
      return value === null || value === undefined ? undefined : partText(value);
    }
    const values = this.read(source, keys);
    return values && this.hash(values);
  }

  private read(source: Slots, keys: ReadonlyArray<string | number>): unknown[] | undefined {
    const values = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const value = source[keys[i]!];
      if (value === null || value === undefined) return undefined;
      values[i] = value;
    }
    return values;
  }
}

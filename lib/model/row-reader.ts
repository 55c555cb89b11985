import type { ModelMeta } from '../metadata/model-meta';
import { recordFactoryOf } from './record-allocation';
import { setPackedState, type SiblingGroup } from './record-state';

/** Builds one persisted record from a full row, with its dirty-tracking snapshot as its packed state. */
export type RowReader = (
  row: Record<string, unknown> | readonly unknown[],
  siblings: SiblingGroup,
) => object;

/** Compiled readers, one per model (a `ModelMeta` is made once per class and connection). */
const readers = new WeakMap<ModelMeta, RowReader>();
/**
 * The same for rows given as values in the order of `meta.columns` (the driver's arrays, JSON
 * includes), which may hold more values past the columns (see `compileRowReader`).
 */
const positionalReaders = new WeakMap<ModelMeta, RowReader>();

/**
 * The model's row reader, compiled on first use: straight-line code that reads each column
 * by a literal name, converts it when the column needs it, assigns the property and fills the
 * snapshot in the same pass. A loop over the columns reads and writes properties by computed
 * names, which V8 cannot cache per site; on wide rows that loop is most of hydration.
 *
 * @example
 * const record = rowReaderOf(meta)(row, { records, connection });
 */
export function rowReaderOf(meta: ModelMeta, positional = false): RowReader {
  const cache = positional ? positionalReaders : readers;
  let reader = cache.get(meta);
  if (!reader) {
    reader = compileRowReader(meta, positional);
    cache.set(meta, reader);
  }
  return reader;
}

function compileRowReader(meta: ModelMeta, positional: boolean): RowReader {
  const columns = meta.columns;
  const fromDriver = columns.map((c) => c.fromDriver);
  const snapshot = columns.map((c) => (c.mutable ? c.snapshot : undefined));
  // Names and properties enter the source only as JSON string literals.
  const lines = columns.map((c, i) => {
    const read = `let v${i} = row[${positional ? i : JSON.stringify(c.name)}];`;
    const convert = fromDriver[i]
      ? ` if (v${i} !== null && v${i} !== undefined) v${i} = fromDriver[${i}](v${i});`
      : '';
    return `${read}${convert} record[${JSON.stringify(c.property)}] = v${i};`;
  });
  const snapshotValues = columns.map((_, i) => (snapshot[i] ? `snapshot[${i}](v${i})` : `v${i}`));
  // A positional row was made for this record alone (the driver's array, or parsed from a
  // statement's JSON): it becomes the packed state itself, snapshot values where the columns
  // were, rather than being copied into a new array and dropped. Values past the columns
  // (nested includes) stay, unread.
  const packed = positional
    ? [
        ...columns.flatMap((_, i) =>
          snapshot[i] || fromDriver[i] ? [`row[${i}] = ${snapshotValues[i]};`] : [],
        ),
        'setPackedState(record, row, siblings);',
      ]
    : [`setPackedState(record, [${snapshotValues.join(', ')}], siblings);`];
  const body = [
    'return function readRow(row, siblings) {',
    '  const record = newRecord();',
    ...lines.map((line) => `  ${line}`),
    ...packed.map((line) => `  ${line}`),
    '  return record;',
    '};',
  ].join('\n');
  const build = new Function('newRecord', 'fromDriver', 'snapshot', 'setPackedState', body) as (
    newRecord: () => object,
    convert: typeof fromDriver,
    copy: typeof snapshot,
    set: typeof setPackedState,
  ) => RowReader;
  return build(recordFactoryOf(meta), fromDriver, snapshot, setPackedState);
}

import type { ModelMeta } from '../../lib/metadata/model-meta';
import { cachedText } from '../../lib/model/statement-cache';
import type { StatementNode } from '../../lib/sql/nodes';

function deleteFrom(table: string): StatementNode {
  return { kind: 'delete', table, where: undefined } as unknown as StatementNode;
}

describe('statement text cache', () => {
  function counting(meta: ModelMeta) {
    const built: string[] = [];
    const text = (shape: string) =>
      cachedText(meta, shape, () => {
        built.push(shape);
        return deleteFrom(`t_${shape}`);
      });
    return { built, text };
  }

  it('compiles a shape once and answers the same text afterwards', () => {
    const { built, text } = counting({} as ModelMeta);
    const first = text('a');
    expect(first).toBe('DELETE FROM "t_a"');
    expect(text('a')).toBe(first);
    expect(built).toEqual(['a']);
  });

  it('keeps a shape in use while hundreds of others come and go, and forgets unused ones', () => {
    const { built, text } = counting({} as ModelMeta);
    text('hot');
    text('cold');
    for (let i = 0; i < 1000; i++) {
      text(`other${i}`);
      text('hot');
    }
    expect(built.filter((s) => s === 'hot')).toHaveLength(1);
    text('cold');
    expect(built.filter((s) => s === 'cold')).toHaveLength(2);
  });

  it('keeps each model apart', () => {
    const one = counting({} as ModelMeta);
    const two = counting({} as ModelMeta);
    one.text('a');
    two.text('a');
    expect(one.built).toEqual(['a']);
    expect(two.built).toEqual(['a']);
  });
});

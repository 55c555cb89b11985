/**
 * The bench's turn orders, without a database: balanced, so that no implementation inherits
 * another's leftovers (garbage to collect) more often than the rest do.
 */
import { turnOrders } from '../../bench/workloads/turn-orders';

describe('bench turn orders', () => {
  it.each([1, 2, 3, 4, 5, 8])(
    'with %i implementations each runs first, and right after every other, equally often',
    (count) => {
      const orders = turnOrders(count);
      const firsts = new Map<number, number>();
      const follows = new Map<string, number>();
      for (const order of orders) {
        expect([...order].sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
        firsts.set(order[0]!, (firsts.get(order[0]!) ?? 0) + 1);
        for (let i = 1; i < order.length; i++) {
          const pair = `${order[i - 1]}>${order[i]}`;
          follows.set(pair, (follows.get(pair) ?? 0) + 1);
        }
      }
      expect(firsts.size).toBe(count);
      expect(new Set(firsts.values()).size).toBe(1);
      // Every ordered pair of two different implementations, each as often.
      expect(follows.size).toBe(count * (count - 1));
      expect(new Set(follows.values()).size).toBeLessThanOrEqual(1);
    },
  );

  it('two implementations alternate, as a rotation would', () => {
    expect(turnOrders(2)).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});

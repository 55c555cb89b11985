/**
 * The orders in which the implementations take their turns: a balanced (Williams) design, in
 * which every implementation runs first, last, and right after every other one equally often.
 *
 * Why not a plain rotation: rotating `[a, b, c]` gives `abc`, `bca`, `cab`, in which `b` always
 * follows `a`. What one implementation leaves behind (garbage to collect, a busy server) is paid
 * by whoever runs next; a rotation hands it always to the same one.
 *
 * @example
 * turnOrders(3); // [[0, 1, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [0, 2, 1], [1, 0, 2]]
 */
export function turnOrders(count: number): number[][] {
  // First row 0, 1, n-1, 2, n-2, …: its successive differences are all distinct mod n, so
  // shifting it gives every ordered pair once (for an even n; an odd n needs the mirror too).
  const first = Array.from({ length: count }, (_, j) =>
    j === 0 ? 0 : j % 2 === 1 ? (j + 1) / 2 : count - j / 2,
  );
  const rows = Array.from({ length: count }, (_, shift) =>
    first.map((position) => (position + shift) % count),
  );
  return count % 2 === 0 || count === 1
    ? rows
    : [...rows, ...rows.map((row) => [...row].reverse())];
}

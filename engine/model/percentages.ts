/**
 * Whole percentages that sum to exactly 100, by the largest-remainder (Hamilton) method: floor
 * each scaled value, then give the units left to the largest remainders, ties to the earlier
 * entry. Used by the shares-sum quick fix and to round the optimizer's shares.
 */

/** Largest-remainder rounding of values scaled to total 100. All zero → equal split. */
export function scaleTo100(values: readonly number[]): number[] {
  values = values.map((v) => Math.max(0, v));
  const sum = values.reduce((s, v) => s + v, 0);
  const raw = sum > 0 ? values.map((v) => (v * 100) / sum) : values.map(() => 100 / values.length);
  const out = raw.map(Math.floor);
  let left = 100 - out.reduce((s, v) => s + v, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((x, y) => y.frac - x.frac || x.i - y.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]++;
    left--;
  }
  return out;
}


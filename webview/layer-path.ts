/**
 * The SVG path of one layer of a stacked area chart, written as d3-shape's area() with its
 * default linear curve writes it through d3-path's digits(1), to the character: "M" then the
 * top edge left to right, the base edge right to left, "Z"; every coordinate rounded to one
 * decimal as d3-path rounds it (Math.round(v × 10) / 10, then JavaScript's own number text).
 * The x positions are the same for every layer of a chart, so they are rounded and written once
 * (positionsText); d3 rounds and formats each coordinate of each layer through a tagged template,
 * which took 110–170 ms of the first paint of a report of 100 workloads at four sites.
 * Pure (no DOM, no d3), so the tests check it against hand-written paths.
 */

/** One decimal, as d3-path's digits(1). */
function rounded(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The x positions as the path writes them. */
export function positionsText(xs: readonly number[]): string[] {
  return xs.map((x) => String(rounded(x)));
}

/**
 * The layer's path: xs from positionsText, layer[i] = [base, top] in data units (d3's stack),
 * y the scale to pixels. Null for no points, as d3's area() gives (the attribute is then removed).
 */
export function layerPath(xs: readonly string[], layer: ArrayLike<readonly [number, number]>, y: (v: number) => number): string | null {
  const n = Math.min(xs.length, layer.length);
  if (n === 0) return null;
  let d = 'M' + xs[0] + ',' + rounded(y(layer[0][1]));
  for (let i = 1; i < n; i++) d += 'L' + xs[i] + ',' + rounded(y(layer[i][1]));
  for (let i = n - 1; i >= 0; i--) d += 'L' + xs[i] + ',' + rounded(y(layer[i][0]));
  return d + 'Z';
}

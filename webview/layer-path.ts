/**
 * The layers of a stacked area chart and their SVG paths, as d3-shape writes them, to the
 * number and to the character. Layers: stackLayers, as d3's stack() with its default order and
 * offset (stackOffsetNone: each layer's base is the top of the one below, or that one's base
 * where its top is NaN; its top is base + value), into two Float64Arrays per layer instead of
 * d3's array of [base, top] pairs per point. Paths: layerPath, as d3's area() with its default
 * linear curve through d3-path's digits(1): "M" then the top edge left to right, the base edge
 * right to left, "Z"; every coordinate rounded to one decimal as d3-path rounds it
 * (Math.round(v × 10) / 10, then JavaScript's own number text). The x positions are the same for
 * every layer of a chart, so they are rounded and written once (positionsText); d3 rounds and
 * formats each coordinate of each layer through a tagged template, which took 110–170 ms of the
 * first paint of a report of 100 workloads at four sites, and its stack 40 ms more.
 * Pure (no DOM, no d3), so the tests check it against hand-written paths and sums.
 */

export interface Layer {
  key: string;
  base: Float64Array;
  top: Float64Array;
}

/** The keys' values at n points, stacked in key order from zero (d3's stack(), default order and offset). */
export function stackLayers(keys: readonly string[], n: number, value: (key: string, i: number) => number): Layer[] {
  const layers: Layer[] = [];
  let below: Layer | undefined;
  for (const key of keys) {
    const base = new Float64Array(n);
    const top = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const y0 = below === undefined ? 0 : Number.isNaN(below.top[i]) ? below.base[i] : below.top[i];
      const v = +value(key, i);
      base[i] = y0;
      // d3 adds the value to the base it was stacked on (the first layer's is 0 and left as the value)
      top[i] = below === undefined ? v : v + y0;
    }
    below = { key, base, top };
    layers.push(below);
  }
  return layers;
}

/** One decimal, as d3-path's digits(1). */
function rounded(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The x positions as the path writes them. */
export function positionsText(xs: readonly number[]): string[] {
  return xs.map((x) => String(rounded(x)));
}

/**
 * A layer's path: xs from positionsText, base and top in data units, y the scale to pixels.
 * Null for no points, as d3's area() gives (the attribute is then removed).
 */
export function layerPath(xs: readonly string[], base: ArrayLike<number>, top: ArrayLike<number>, y: (v: number) => number): string | null {
  const n = Math.min(xs.length, top.length);
  if (n === 0) return null;
  let d = 'M' + xs[0] + ',' + rounded(y(top[0]));
  for (let i = 1; i < n; i++) d += 'L' + xs[i] + ',' + rounded(y(top[i]));
  for (let i = n - 1; i >= 0; i--) d += 'L' + xs[i] + ',' + rounded(y(base[i]));
  return d + 'Z';
}

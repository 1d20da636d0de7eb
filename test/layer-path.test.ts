/**
 * The stacked areas of the report's site charts (webview/layer-path.ts): the same numbers as
 * d3-shape's stack() and the same characters as its area() with its linear curve through
 * d3-path's digits(1). The report of 100 workloads was checked against d3 itself in Chromium (all
 * 424 paths of the page identical, and those of the fixture's scenarios); here, sums and paths
 * written out by hand from d3's rules: each layer on the top of the one below (its base where that
 * top is NaN); "M" and the top edge left to right, "L" along the base right to left, "Z"; each
 * number Math.round(v × 10) / 10.
 */
import { strict as assert } from 'assert';
import { layerPath, positionsText, stackLayers } from '../webview/layer-path';

describe('layer-path', () => {
  it('writes the top edge, then the base backwards, each coordinate to one decimal', () => {
    // x: 10.04 → round(100.4) / 10 = 10; 20.06 → round(200.6) / 10 = 20.1
    const xs = positionsText([0, 10.04, 20.06]);
    assert.deepEqual(xs, ['0', '10', '20.1']);
    // y = 100 − 10v: tops 1.25 → 87.5, 2.349 → 76.51 → 76.5, 3 → 70; bases (backwards) 1 → 90, 0.5 → 95, 0 → 100
    const y = (v: number) => 100 - 10 * v;
    assert.equal(layerPath(xs, [0, 0.5, 1], [1.25, 2.349, 3], y), 'M0,87.5L10,76.5L20.1,70L20.1,90L10,95L0,100Z');
  });

  it('rounds halves up and writes −0 as 0, as d3-path does', () => {
    // −1.25 → round(−12.5) = −12 → −1.2 (Math.round takes halves toward +∞); −0.04 → round(−0.4) = −0 → "0"; 0.05 → 0.1
    const y = (v: number) => v;
    assert.equal(layerPath(['0', '1'], [0.05, 0], [-1.25, -0.04], y), 'M0,-1.2L1,0L1,0L0,0.1Z');
  });

  it('has no path for no points (d3 gives null, and the attribute goes)', () => {
    assert.equal(layerPath([], [], [], (v) => v), null);
  });

  it('stacks each layer on the top of the one below, in key order, from zero', () => {
    // a: 1, 2 → [0, 1], [0, 2]; b: 10, NaN → [1, 11], [2, NaN]; c: 100, 100 → [11, 111], and on NaN the base below, 2: [2, 102]
    const values: Record<string, number[]> = { a: [1, 2], b: [10, NaN], c: [100, 100] };
    const layers = stackLayers(['a', 'b', 'c'], 2, (k, i) => values[k][i]);
    assert.deepEqual(layers.map((l) => [l.key, [...l.base], [...l.top]]), [
      ['a', [0, 0], [1, 2]],
      ['b', [1, 2], [11, NaN]],
      ['c', [11, 2], [111, 102]],
    ]);
    assert.deepEqual(stackLayers([], 2, () => 1), []);
  });
});

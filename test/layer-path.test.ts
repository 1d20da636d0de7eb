/**
 * The stacked-area path of the report's site charts (webview/layer-path.ts): the same characters
 * as d3-shape's area() with its linear curve through d3-path's digits(1). The report of 100
 * workloads was checked against d3 itself in Chromium (all 424 paths of the page identical, and
 * those of the fixture's scenarios); here, paths written out by hand from d3's rules: "M" and the
 * top edge left to right, "L" along the base right to left, "Z"; each number Math.round(v × 10) / 10.
 */
import { strict as assert } from 'assert';
import { layerPath, positionsText } from '../webview/layer-path';

describe('layer-path', () => {
  it('writes the top edge, then the base backwards, each coordinate to one decimal', () => {
    // x: 10.04 → round(100.4) / 10 = 10; 20.06 → round(200.6) / 10 = 20.1
    const xs = positionsText([0, 10.04, 20.06]);
    assert.deepEqual(xs, ['0', '10', '20.1']);
    // y = 100 − 10v: tops 1.25 → 87.5, 2.349 → 76.51 → 76.5, 3 → 70; bases (backwards) 1 → 90, 0.5 → 95, 0 → 100
    const y = (v: number) => 100 - 10 * v;
    assert.equal(layerPath(xs, [[0, 1.25], [0.5, 2.349], [1, 3]], y), 'M0,87.5L10,76.5L20.1,70L20.1,90L10,95L0,100Z');
  });

  it('rounds halves up and writes −0 as 0, as d3-path does', () => {
    // −1.25 → round(−12.5) = −12 → −1.2 (Math.round takes halves toward +∞); −0.04 → round(−0.4) = −0 → "0"; 0.05 → 0.1
    const y = (v: number) => v;
    assert.equal(layerPath(['0', '1'], [[0.05, -1.25], [0, -0.04]], y), 'M0,-1.2L1,0L1,0L0,0.1Z');
  });

  it('has no path for no points (d3 gives null, and the attribute goes)', () => {
    assert.equal(layerPath([], [], (v) => v), null);
  });
});

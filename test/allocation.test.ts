/**
 * The contention rule (engine/capacity/allocation.ts): the load it keeps as instances change, and
 * the tests it remembers, give what testing every pair's running instances each time gives.
 */
import { strict as assert } from 'assert';
import { allocateByPriority } from '../engine/capacity/allocation';
import { Rng } from '../engine/replay/rng';

/**
 * The rule as it was written before it kept a load: every test sums the pairs' running instances
 * (per class, times their size) afresh, and nothing is remembered.
 */
function reference(pairs: number[], priority: number[], need: number[], out: Float64Array, classOf: number[], size: number[], classes: number, fits: (load: Float64Array) => boolean): void {
  const test = (o: Float64Array) => {
    const load = new Float64Array(classes);
    for (const p of pairs) load[classOf[p]] += o[p] * size[p];
    return fits(load);
  };
  for (const p of pairs) out[p] = 0;
  const levels = [...new Set(pairs.map((p) => priority[p]))].sort((a, b) => b - a);
  for (const level of levels) {
    const group = pairs.filter((p) => priority[p] === level);
    for (const p of group) out[p] = need[p];
    if (test(out)) continue;
    let lo = 0;
    let hi = 1;
    const setAlpha = (a: number) => {
      for (const p of group) out[p] = Math.floor(a * need[p] + 1e-9);
    };
    for (let it = 0; it < 30; it++) {
      const mid = (lo + hi) / 2;
      setAlpha(mid);
      if (test(out)) lo = mid;
      else hi = mid;
    }
    setAlpha(lo);
    const order = [...group].sort((a, b) => {
      const da = need[a] > 0 ? (need[a] - out[a]) / need[a] : 0;
      const db = need[b] > 0 ? (need[b] - out[b]) / need[b] : 0;
      return db - da || a - b;
    });
    for (const p of order) {
      if (out[p] >= need[p]) continue;
      out[p] += 1;
      if (!test(out)) out[p] -= 1;
    }
  }
}

describe('contention: allocateByPriority', () => {
  it('shares a vCPU quota in proportion to need, then one more each while it fits, testing each distinct load once', () => {
    // three pairs of one priority, 2, 2 and 4 vCPUs an instance, needing 4, 2 and 3 instances: 24 vCPUs against a quota of 14.
    // load(α) = 2·floor(4α) + 2·floor(2α) + 4·floor(3α): 10 at α = 0.5 and 0.625, 16 at 0.75, 14 on [2/3, 0.75), so the
    // search ends just below 0.75 with 2, 1 and 2 instances (14 vCPUs); one more for any of them passes the quota (16, 16, 18)
    const asked: number[] = [];
    const out = new Float64Array(3);
    allocateByPriority({ pairs: [0, 1, 2], priority: [0, 0, 0], need: [4, 2, 3], out, size: [2, 2, 4], classes: 1, fits: (load) => (asked.push(load[0]), load[0] <= 14) });
    assert.deepEqual([...out], [2, 1, 2]);
    // 24 (everything), 10 (α = 0.5), 16 (0.75), 14 (0.6875); the 29 other steps of the search and the first two tries of
    // one more (16, 16) are loads tested already; the third try (18) is new: 5 tests where testing every load made 34
    assert.deepEqual(asked, [24, 10, 16, 14, 18]);
  });

  it('serves a higher priority first; within a level one α for every class, then one more each', () => {
    // class 0 holds 3 instances, class 1 holds 2. Pair 2 (priority 5, class 0) needs 2 and gets them. Priority 0 holds
    // pairs 0 and 1 (class 0, needing 2 and 4) and pair 3 (class 1, needing 2): class 0 has 1 left, so 2 + floor(2α) +
    // floor(4α) ≤ 3 holds on [0.25, 0.5) and the search ends just below 0.5 with 0, 1 and, for pair 3, floor(2α) = 0.
    // One more each, largest shortfall first (pairs 0 and 3 short by all they need, ties by pair order, then pair 1 by
    // 3/4): pair 0 would make class 0 hold 4, pair 3 takes one (class 1: 1 of 2), pair 1 would make 4. So pair 3 runs 1
    // of its 2 though class 1 has room for both: the rule gives one more each, not all that fits
    const out = new Float64Array(4);
    allocateByPriority({ pairs: [0, 1, 2, 3], priority: [0, 0, 5, 0], need: [2, 4, 2, 2], out, classOf: [0, 0, 0, 1], classes: 2, fits: (load) => load[0] <= 3 && load[1] <= 2 });
    assert.deepEqual([...out], [0, 1, 2, 1]);
  });

  it('gives what testing every pair afresh gives, on random sites and with a test that is not monotone in the load', () => {
    const rng = new Rng(20261127);
    const int = (n: number) => rng.uint32() % n;
    for (let round = 0; round < 300; round++) {
      const P = 1 + int(12);
      const classes = 1 + int(3);
      const pairs = Array.from({ length: P }, (_, i) => i).filter(() => int(5) > 0);
      const priority = Array.from({ length: P }, () => int(3));
      const need = Array.from({ length: P }, () => int(9));
      const classOf = Array.from({ length: P }, () => int(classes));
      const size = Array.from({ length: P }, () => 1 + int(4));
      const limits = Array.from({ length: classes }, () => int(30));
      // every third round the test also refuses loads whose sum is ≡ 3 (mod 7): first fit need not be monotone either
      const odd = round % 3 === 0;
      const fits = (load: Float64Array) => {
        let sum = 0;
        for (let c = 0; c < classes; c++) {
          if (load[c] > limits[c]) return false;
          sum += load[c];
        }
        return !odd || sum % 7 !== 3;
      };
      const want = new Float64Array(P).fill(-1);
      const got = new Float64Array(P).fill(-1);
      reference(pairs, priority, need, want, classOf, size, classes, fits);
      allocateByPriority({ pairs, priority, need, out: got, classOf, size, classes, fits });
      assert.deepEqual([...got], [...want], `round ${round}`);
    }
  });
});

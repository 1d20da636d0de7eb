/**
 * Sharing scarce capacity between workloads (format.md, "Replay semantics"): higher `priority`
 * first; within one priority, in proportion to need — the largest α ∈ [0, 1] with every
 * r = floor(α·n) still fitting, then one more instance each, largest shortfall first (ties by
 * pair order), while it fits. `fits` is the site's test (Nova packing, or a public quota).
 *
 * The test reads the site's load, kept here as instances change: each running instance of pair p
 * adds size[p] to class classOf[p] (an OpenStack site: one instance of the pair's flavor; a
 * public site: its vCPUs, one class against the quota). Sizes and counts are whole numbers, so
 * the load is exact in any order of adding, and the same as summing every pair for each test;
 * one more instance is then one addition instead of a pass over the site's pairs (at a site of
 * 100 workloads, up to 100 tries of one more, each a pass over 100 pairs). The test depends on
 * the load alone, so the last few loads tested are remembered with their answers: once the site
 * is full, every later pair of a flavor asks about the same load. Measured on one thread, a
 * site of 100 workloads over a year at 5 min with contention at nearly every step: a public
 * site whose quota binds 2.7 s against 5.4–6.7 s, an OpenStack site packed at 98 % of its disk
 * 1.5 s against 3.0–4.2 s, the same results (test/allocation.test.ts holds them to the rule
 * written the former way, on random sites). Runs only on steps with contention, so it may
 * allocate.
 */

export interface AllocationRequest {
  /** Pair indices at the site, any order. */
  pairs: readonly number[];
  priority: ArrayLike<number>;
  need: ArrayLike<number>;
  /** Output: running instances per pair. */
  out: Float64Array;
  /** Per pair: the class its instances load (0 … classes − 1; all in class 0 when not given), and how much one instance adds (a whole number; 1 when not given). */
  classOf?: ArrayLike<number>;
  size?: ArrayLike<number>;
  classes: number;
  /** Whether the site holds this load (per class, from every pair of the request); a function of the load alone. */
  fits: (load: Float64Array) => boolean;
}

export function allocateByPriority(req: AllocationRequest): void {
  const { pairs, priority, need, out, classOf, size } = req;
  const fits = new RememberedFits(req.fits, req.classes);
  for (const p of pairs) out[p] = 0;
  // the load of the levels already allocated; the level being allocated adds its own to a copy
  const settled = new Float64Array(req.classes);
  const load = new Float64Array(req.classes);
  const levels = [...new Set(pairs.map((p) => priority[p]))].sort((a, b) => b - a);
  for (const level of levels) {
    const group = pairs.filter((p) => priority[p] === level);
    if (!fits.test(loadAt(1, group, need, classOf, size, settled, load, out))) {
      let lo = 0;
      let hi = 1;
      for (let it = 0; it < 30; it++) {
        const mid = (lo + hi) / 2;
        if (fits.test(loadAt(mid, group, need, classOf, size, settled, load))) lo = mid;
        else hi = mid;
      }
      loadAt(lo, group, need, classOf, size, settled, load, out);
      const order = [...group].sort((a, b) => {
        const da = need[a] > 0 ? (need[a] - out[a]) / need[a] : 0;
        const db = need[b] > 0 ? (need[b] - out[b]) / need[b] : 0;
        return db - da || a - b;
      });
      for (const p of order) {
        if (out[p] >= need[p]) continue;
        const c = classOf ? classOf[p] : 0;
        const one = size ? size[p] : 1;
        load[c] += one;
        if (fits.test(load)) out[p] += 1;
        else load[c] -= one;
      }
    }
    settled.set(load);
  }
}

/**
 * The load with the group's pairs at floor(α · need) instances (need itself at α = 1), on top of
 * the settled levels' load; the counts into `out` when given. A function of its own, called 32
 * times per level: no closure is made per call.
 */
function loadAt(alpha: number, group: readonly number[], need: ArrayLike<number>, classOf: ArrayLike<number> | undefined, size: ArrayLike<number> | undefined, settled: Float64Array, load: Float64Array, out?: Float64Array): Float64Array {
  load.set(settled);
  for (let i = 0; i < group.length; i++) {
    const p = group[i];
    const r = alpha === 1 ? need[p] : Math.floor(alpha * need[p] + 1e-9);
    if (out) out[p] = r;
    load[classOf ? classOf[p] : 0] += r * (size ? size[p] : 1);
  }
  return load;
}

/** How many recent loads RememberedFits keeps. */
const REMEMBERED = 8;

/** A site's test of a load, with its answers for the last REMEMBERED loads kept: a load asked again is answered without the test. */
class RememberedFits {
  private readonly keys: Float64Array;
  private readonly answers = new Uint8Array(REMEMBERED);
  private kept = 0;
  private next = 0;

  constructor(private readonly fits: (load: Float64Array) => boolean, private readonly classes: number) {
    this.keys = new Float64Array(REMEMBERED * classes);
  }

  test(load: Float64Array): boolean {
    const { keys, classes } = this;
    for (let i = 0; i < this.kept; i++) {
      let same = true;
      for (let c = 0; c < classes && same; c++) same = keys[i * classes + c] === load[c];
      if (same) return this.answers[i] === 1;
    }
    const answer = this.fits(load);
    keys.set(load.subarray(0, classes), this.next * classes);
    this.answers[this.next] = answer ? 1 : 0;
    this.next = (this.next + 1) % REMEMBERED;
    if (this.kept < REMEMBERED) this.kept++;
    return answer;
  }
}

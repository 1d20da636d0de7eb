/**
 * Sharing scarce capacity between workloads (format.md, "Replay semantics"): higher `priority`
 * first; within one priority, in proportion to need — the largest α ∈ [0, 1] with every
 * r = floor(α·n) still fitting, then one more instance each, largest shortfall first (ties by
 * pair order), while it fits. `fits` is the site's test (Nova packing, or a public quota).
 * Runs only on steps with contention, so it may allocate.
 */

export interface AllocationRequest {
  /** Pair indices at the site, any order. */
  pairs: readonly number[];
  priority: ArrayLike<number>;
  need: ArrayLike<number>;
  /** Output: running instances per pair. */
  out: Float64Array;
  /** Whether running counts `out` (for all pairs of the site) fit. */
  fits: (out: Float64Array) => boolean;
}

export function allocateByPriority(req: AllocationRequest): void {
  const { pairs, priority, need, out, fits } = req;
  for (const p of pairs) out[p] = 0;
  const levels = [...new Set(pairs.map((p) => priority[p]))].sort((a, b) => b - a);
  for (const level of levels) {
    const group = pairs.filter((p) => priority[p] === level);
    for (const p of group) out[p] = need[p];
    if (fits(out)) continue;
    let lo = 0;
    let hi = 1;
    const setAlpha = (a: number) => {
      for (const p of group) out[p] = Math.floor(a * need[p] + 1e-9);
    };
    for (let it = 0; it < 30; it++) {
      const mid = (lo + hi) / 2;
      setAlpha(mid);
      if (fits(out)) lo = mid;
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
      if (!fits(out)) out[p] -= 1;
    }
  }
}

/**
 * The instances a workload needs at a site for a demand (format.md, "Replay semantics"):
 * n = ceil(D / (capacityPerInstance × targetUtilization)), at least minInstances where its share
 * is above 0; none without demand. The quotient is taken as D × (1 / capEff), and EPS keeps a
 * quotient that lands a rounding error above a whole number from asking one instance more.
 *
 * Every count of instances needed is this function: the replay's site loops, its bound that a
 * chunk of demand packs (openStackBound, whose proof needs exactly the loops' arithmetic), the
 * N-1 check and the editor's hover; so no two of them count differently. One loop writes it out,
 * settle-public.ts's settleLagged (measured faster so); the equality tests (one-pass.test.ts)
 * hold its counts to stepPublic's, which calls this.
 *
 * The replay's loops pass eps, their closure's copy of EPS: once this is inlined V8 folds it into
 * a constant, where a module binding is loaded and unboxed at each use.
 */

/** The replay's tolerance, for this ceiling and its other comparisons (replay-state.ts). */
export const EPS = 1e-9;

/** Instances needed for demand d with invCapEff = 1 / (capacityPerInstance × targetUtilization), at least min. */
export function instancesNeeded(d: number, invCapEff: number, min: number, eps: number = EPS): number {
  const n = d > 0 ? Math.ceil(d * invCapEff - eps) : 0;
  return n < min ? min : n;
}

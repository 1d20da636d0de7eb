/**
 * One pair's step (format.md, "Replay semantics"): with D the pair's demand share plus the
 * overflow sent to it and r its running instances, served = min(D × (1 − zone loss), r ×
 * capacityPerInstance), unserved = D − served, sent on to the overflow target if it has one
 * (settled later in overflow order) else counted; utilization = D / (r × capacity) for the peak
 * and the SLO (compared without dividing); served goes to servedNow[p] (a double returned from a
 * call that is not inlined would be boxed: one allocation per pair-step).
 *
 * A closure over the run's arrays, made once per replay and inlined by V8 into the site loops
 * (settle-openstack.ts, settle-public.ts): a function reading the arrays from the state object
 * on every pair-step measured 35–45 % slower. It must stay under V8's 460-byte bytecode limit for
 * inlining (at 462 bytes it was called, not inlined: 20 % slower), so the rare path, demand
 * left unserved with nowhere to overflow, is a call of its own.
 */
import { EPS, ReplayState } from './replay-state';

export type SettlePair = (p: number, t: number, zl: number) => void;

export function pairSettler(st: ReplayState): SettlePair {
  const { pw, D, overflowIn, run, capacity, violateAt, violated, overflowTarget, wUnservedAcc, pairRunAcc, vcpus, servedNow, dt, B, res } = st;
  const { pairServed, pairPeakInstances, pairPeakUtilization, pairUnserved, workloadUnserved, stepUnserved } = res;
  /** Demand pair p leaves unserved at step t with no overflow target: counted, and the step violates the SLO. */
  function countUnserved(p: number, w: number, t: number, uns: number): void {
    pairUnserved[p] += uns * dt;
    workloadUnserved[w] += uns * dt;
    stepUnserved[t] += uns;
    wUnservedAcc[w] += uns * dt;
    violated[w] = 1;
  }
  return function settlePair(p: number, t: number, zl: number): void {
    const w = pw[p];
    const dd = D[p] + overflowIn[p];
    const r = run[p];
    const cap = r * capacity[p];
    const servable = zl > 0 ? dd * (1 - zl) : dd;
    const served = servable < cap ? servable : cap;
    const uns = dd - served;
    pairServed[p] += served; // × Δ once, after the loop
    if (r > pairPeakInstances[p]) pairPeakInstances[p] = r;
    // utilization = dd / cap, compared without dividing on every step
    if (cap > 0) {
      if (dd > pairPeakUtilization[p] * cap) pairPeakUtilization[p] = dd / cap;
      if (dd > violateAt[p] * cap) violated[w] = 1;
    } else if (dd > EPS) violated[w] = 1;
    if (uns > EPS) {
      const of = overflowTarget[p];
      if (of >= 0) overflowIn[of] += uns;
      else countUnserved(p, w, t, uns);
    }
    if (B) pairRunAcc[p] += r * vcpus[p];
    servedNow[p] = served;
  };
}

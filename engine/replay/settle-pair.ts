/**
 * One pair's step (format.md, "Replay semantics"): with D the pair's demand share plus the
 * overflow sent to it and r its running instances (both passed in by the site's step),
 * served = min(D × (1 − zone loss), r × capacityPerInstance), unserved = D − served, sent on to
 * the overflow target if it has one (settled later in overflow order) else counted;
 * utilization = D / (r × capacity) for the peak and the SLO (compared without dividing); served
 * goes to servedNow[p] (a double returned from a call that is not inlined would be boxed: one
 * allocation per pair-step). A workload in violation is counted at once, the first time one of
 * its pairs violates in a step (violatedAt holds the step), so no pass over the workloads is
 * needed per step.
 *
 * V8 folds a closure's captured arrays into constants only while one closure of it exists: on a
 * process's first replay. A later replay with new closures runs this code about twice as slowly
 * (measured: 0.98 s against 0.52 s for 1,000 workloads × 4 sites × a year at 1 h); plain
 * functions with the arrays in locals ran at 0.82–0.86 s on every replay. So the closures stay,
 * and a thread keeps one set of them (replay.ts, Replayer): Monte Carlo runs reuse their
 * worker's, and replay() refills the previous replay's state for one of the same size (a
 * recommendation's second simulation, the editor worker's next one). What this closure counts
 * lives in the state's tally (replay-state.ts), copied into each run's result.
 *
 * A closure over the run's arrays, made once per replay and inlined by V8 into the site loops
 * (settle-openstack.ts, settle-public.ts): a function reading the arrays from the state object
 * on every pair-step measured 35–45 % slower. It must stay under V8's 460-byte bytecode limit for
 * inlining (at 462 bytes it was called, not inlined: 20 % slower), so the rare path, demand
 * left unserved with nowhere to overflow, is a call of its own.
 */
import { EPS, ReplayState } from './replay-state';

/** Pair p at step t: zl the zone loss, dd its demand (its share plus the overflow sent to it), r its running instances. */
export type SettlePair = (p: number, t: number, zl: number, dd: number, r: number) => void;

export function pairSettler(st: ReplayState): SettlePair {
  const { pw, overflowIn, capacity, violateAt, violatedAt, violCount, overflowTarget, wUnservedAcc, pairRunAcc, vcpus, servedNow, dt, B, tally, shortWeight } = st;
  const { pairServed, pairPeakInstances, pairPeakUtilization, pairUnserved, workloadUnserved, workloadViolations, stepUnserved, stepShortfall, violationBits } = tally;
  const words = violationBits.length ? violationBits.length / st.res.steps : 0;
  const eps = EPS; // a constant of this closure, folded by V8 (the module's binding is loaded and unboxed at every use)
  /** Workload w violates the SLO at step t: counted once per step, however many of its pairs do. */
  function violate(w: number, t: number): void {
    if (violatedAt[w] !== t + 1) {
      violatedAt[w] = t + 1;
      workloadViolations[w]++;
      violCount[0]++;
      if (words) violationBits[t * words + (w >>> 5)] |= 1 << (w & 31);
    }
  }
  /** Demand pair p leaves unserved at step t with no overflow target: counted, and the step violates the SLO. */
  function countUnserved(p: number, w: number, t: number, uns: number): void {
    pairUnserved[p] += uns * dt;
    workloadUnserved[w] += uns * dt;
    stepUnserved[t] += uns;
    stepShortfall[t] += uns * shortWeight[w];
    wUnservedAcc[w] += uns * dt;
    violate(w, t);
  }
  return function settlePair(p: number, t: number, zl: number, dd: number, r: number): void {
    const w = pw[p];
    const cap = r * capacity[p];
    const servable = zl > 0 ? dd * (1 - zl) : dd;
    const served = servable < cap ? servable : cap;
    const uns = dd - served;
    pairServed[p] += served; // × Δ once, after the loop
    if (r > pairPeakInstances[p]) pairPeakInstances[p] = r;
    // utilization = dd / cap, compared without dividing on every step
    if (cap > 0) {
      if (dd > pairPeakUtilization[p] * cap) pairPeakUtilization[p] = dd / cap;
      if (dd > violateAt[p] * cap) violate(w, t);
    } else if (dd > eps) violate(w, t);
    if (uns > eps) {
      const of = overflowTarget[p];
      if (of >= 0) overflowIn[of] += uns;
      else countUnserved(p, w, t, uns);
    }
    if (B) pairRunAcc[p] += r * vcpus[p];
    servedNow[p] = served;
  };
}

/** Workload w violates the SLO at step t (the replay's outage path; settlePair has its own copy over its captured arrays). */
export function markViolation(st: ReplayState, w: number, t: number): void {
  if (st.violatedAt[w] !== t + 1) {
    st.violatedAt[w] = t + 1;
    st.tally.workloadViolations[w]++;
    st.violCount[0]++;
    const bits = st.tally.violationBits;
    if (bits.length) bits[t * (bits.length / st.res.steps) + (w >>> 5)] |= 1 << (w & 31);
  }
}

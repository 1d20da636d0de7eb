/**
 * Two replays of one run's sites, put back together (split-replay.ts): replay A settled the
 * sites before the cut and B those from it on, over the same workloads, steps and events, with
 * no overflow between them and no outage (so no demand moves from one to the other). Pairs are
 * numbered site by site (pair-plan.ts), so A's pairs and sites, then B's, are the whole run's
 * in order: per-pair and per-site results are laid end to end. A workload's cost is summed
 * again over its pairs in pair order, as replay.ts does. Its unserved demand (total, per step,
 * per chart bucket) and cost per month are A's plus B's: the same terms, added in another order,
 * so they may differ from one replay's in the last bit. SLO violations count once per step
 * however many sites a workload violates at: from the union of the two replays' violationBits.
 */
import type { PairInfo, ReplayResult } from './replay';

/** Where B's pairs and sites start in the whole run's numbering. */
export interface MergeShape {
  pairs: PairInfo[];
  /** A's pair and site counts. */
  pairsA: number;
  sitesA: number;
}

export function mergeSiteHalves(a: ReplayResult, b: ReplayResult, shape: MergeShape): ReplayResult {
  const { steps } = a;
  const W = a.workloadCost.length;
  const words = Math.ceil(W / 32);
  if (a.violationBits.length !== steps * words || b.violationBits.length !== steps * words) throw new Error('split replay: both halves must record violationBits');
  if (a.pairs.length !== shape.pairsA || a.pairs.length + b.pairs.length !== shape.pairs.length || a.sites.length !== shape.sitesA) throw new Error('split replay: the halves do not make up the run');
  const cat = <T extends Float64Array | Int32Array>(x: T, y: T): T => {
    const out = new (x.constructor as { new (n: number): T })(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const add = (x: Float64Array, y: Float64Array): Float64Array => {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
    return out;
  };
  const pairCost = cat(a.pairCost, b.pairCost);
  const workloadCost = new Float64Array(W);
  for (let p = 0; p < shape.pairs.length; p++) workloadCost[shape.pairs[p].workload] += pairCost[p];
  const { workloadViolations, stepViolations, sloViolationSteps, violationBits } = unionOfViolations(a.violationBits, b.violationBits, steps, W, words);
  return {
    steps,
    sites: [...a.sites, ...b.sites],
    pairs: shape.pairs,
    pairPeakInstances: cat(a.pairPeakInstances, b.pairPeakInstances),
    pairPeakUtilization: cat(a.pairPeakUtilization, b.pairPeakUtilization),
    pairCost,
    pairServed: cat(a.pairServed, b.pairServed),
    pairUnserved: cat(a.pairUnserved, b.pairUnserved),
    workloadUnserved: add(a.workloadUnserved, b.workloadUnserved),
    workloadViolations,
    workloadCost,
    siteCost: cat(a.siteCost, b.siteCost),
    siteIdleCost: cat(a.siteIdleCost, b.siteIdleCost),
    siteResources: [...a.siteResources, ...b.siteResources],
    sitePeakAlloc: [...a.sitePeakAlloc, ...b.sitePeakAlloc],
    sitePeakAllocAbs: [...a.sitePeakAllocAbs, ...b.sitePeakAllocAbs],
    sitePeakNeed: [...a.sitePeakNeed, ...b.sitePeakNeed],
    sitePeakNeedStep: [...a.sitePeakNeedStep, ...b.sitePeakNeedStep],
    siteNeedCrossStep: [...a.siteNeedCrossStep, ...b.siteNeedCrossStep],
    sitePeakNeedAbs: [...a.sitePeakNeedAbs, ...b.sitePeakNeedAbs],
    siteNeedMonthPeak: [...a.siteNeedMonthPeak, ...b.siteNeedMonthPeak],
    siteUtil: [...a.siteUtil, ...b.siteUtil],
    publicTypeRunning: new Map([...a.publicTypeRunning, ...b.publicTypeRunning]),
    stepUnserved: add(a.stepUnserved, b.stepUnserved),
    stepShortfall: add(a.stepShortfall, b.stepShortfall),
    violationBits,
    stepViolations,
    sloViolationSteps,
    siteMonthCost: [...a.siteMonthCost, ...b.siteMonthCost],
    workloadMonthCost: a.workloadMonthCost.map((x, w) => add(x, b.workloadMonthCost[w])),
    pairMonthCost: [...a.pairMonthCost, ...b.pairMonthCost],
    months: a.months,
    bucketSize: a.bucketSize,
    siteSeries: [...a.siteSeries, ...b.siteSeries],
    pairRunningVcpus: [...a.pairRunningVcpus, ...b.pairRunningVcpus],
    // both halves read every workload's demand: the same series
    workloadDemandMax: a.workloadDemandMax,
    workloadDemandMean: a.workloadDemandMean,
    workloadUnservedSeries: a.workloadUnservedSeries.map((x, w) => add(x, b.workloadUnservedSeries[w])),
  };
}

/** Per workload the steps it violates at in either half, per step the workloads that do, and the steps with any. */
function unionOfViolations(x: Uint32Array, y: Uint32Array, steps: number, W: number, words: number) {
  const violationBits = new Uint32Array(x.length);
  const workloadViolations = new Float64Array(W);
  const stepViolations = new Uint16Array(steps);
  let sloViolationSteps = 0;
  for (let t = 0; t < steps; t++) {
    let n = 0;
    for (let i = 0; i < words; i++) {
      let v = x[t * words + i] | y[t * words + i];
      violationBits[t * words + i] = v;
      while (v !== 0) {
        const low = v & -v;
        workloadViolations[i * 32 + 31 - Math.clz32(low)]++;
        n++;
        v ^= low;
      }
    }
    stepViolations[t] = n;
    if (n > 0) sloViolationSteps++;
  }
  return { workloadViolations, stepViolations, sloViolationSteps, violationBits };
}

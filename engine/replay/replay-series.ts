/**
 * What the replay records besides totals (format.md, "Every resource counts", "Calendar
 * months"): per site, step and resource the utilization (allocated / capacity up, its peak and
 * per-step series) and the need (what the instances needed take / installed capacity: its peak
 * and step, calendar-month peaks in its own unit, the first step past 1 − headroomTarget); chart
 * buckets (max per bucket for capacity lines, mean for demand and running vCPU); and each
 * calendar month's cost per pair and workload, closed when the month ends.
 */
import type { ReplayState } from './replay-state';
import { BUCKET, EPS, MONTH } from './replay-state';

/** One step of resource r of site s: allocated against the capacity up, needed against the installed capacity. */
export function resourcePoint(st: ReplayState, s: number, t: number, r: number, alloc: number, needed: number): void {
  const res = st.res;
  const up = st.capUp[s][r];
  const u = up > 0 ? alloc / up : alloc > 0 ? Infinity : 0;
  if (u > res.sitePeakAlloc[s][r]) res.sitePeakAlloc[s][r] = u;
  if (alloc > res.sitePeakAllocAbs[s][r]) res.sitePeakAllocAbs[s][r] = alloc;
  if (st.perStep) st.siteUtilSeries[s][r][t] = u;
  const inst = st.capInstalled[s][r];
  const q = inst > 0 ? needed / inst : needed > 0 ? Infinity : 0;
  if (q > res.sitePeakNeed[s][r]) {
    res.sitePeakNeed[s][r] = q;
    res.sitePeakNeedStep[s][r] = t;
  }
  if (needed > res.sitePeakNeedAbs[s][r]) res.sitePeakNeedAbs[s][r] = needed;
  const mp = res.siteNeedMonthPeak[s][r];
  const m = st.cursor[MONTH];
  if (needed > mp[m]) mp[m] = needed;
  if (q > st.needLimit + EPS && res.siteNeedCrossStep[s][r] < 0) res.siteNeedCrossStep[s][r] = t;
}

/** One step of resource r of site s into the chart bucket (max per bucket). */
export function siteSeriesPoint(st: ReplayState, s: number, r: number, capacity: number, alloc: number, needed: number): void {
  const ss = st.res.siteSeries[s];
  const b = st.cursor[BUCKET];
  if (capacity > ss.capacity[r][b]) ss.capacity[r][b] = capacity;
  if (alloc > ss.allocated[r][b]) ss.allocated[r][b] = alloc;
  if (needed > ss.needed[r][b]) ss.needed[r][b] = needed;
}

/** The cost of month m per pair and workload: the growth of their running totals since the last mark. */
export function closeMonth(st: ReplayState, m: number): void {
  const { res, P, W, pCostMark, wCostMark, wPairs } = st;
  const pairCost = res.pairCost;
  for (let p = 0; p < P; p++) {
    res.pairMonthCost[p][m] = pairCost[p] - pCostMark[p];
    pCostMark[p] = pairCost[p];
  }
  for (let w = 0; w < W; w++) {
    let c = 0;
    for (const p of wPairs[w]) c += pairCost[p];
    res.workloadMonthCost[w][m] = c - wCostMark[w];
    wCostMark[w] = c;
  }
}

/** Bucket b of n steps: demand max and mean, unserved, running vCPU per pair; the accumulators reset. */
export function flushBucket(st: ReplayState, b: number, n: number): void {
  const { res, P, W, wDemandMaxAcc, wDemandSumAcc, wUnservedAcc, pairRunAcc } = st;
  for (let w = 0; w < W; w++) {
    res.workloadDemandMax[w][b] = wDemandMaxAcc[w];
    res.workloadDemandMean[w][b] = wDemandSumAcc[w] / n;
    res.workloadUnservedSeries[w][b] = wUnservedAcc[w];
    wDemandMaxAcc[w] = 0;
    wDemandSumAcc[w] = 0;
    wUnservedAcc[w] = 0;
  }
  for (let p = 0; p < P; p++) {
    res.pairRunningVcpus[p][b] = pairRunAcc[p] / n;
    pairRunAcc[p] = 0;
  }
}

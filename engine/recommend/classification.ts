/**
 * Workload classes (format.md, "Classification"), first match wins: dataClass sovereign →
 * sovereign (private only); tag experimental → experimental (public); tag gpu → gpu (decided by
 * cost); peak/median ≥ burstyPeakToMedian or coefficient of variation ≥
 * burstyCoefficientOfVariation → bursty (public or overflow); otherwise steady (private).
 * This is the workload table of the Toss hybrid-cloud design (shared/seed).
 */
import { mean, quantile, standardDeviation } from 'simple-statistics';
import { Settings, Workload } from '../model/model';

import type { WorkloadClass } from './classification-types';
export type { WorkloadClass };

export interface DemandStats {
  peak: number;
  p95: number;
  mean: number;
  median: number;
  coefficientOfVariation: number;
  peakToMedian: number;
}

/**
 * Summary statistics of a demand series. O(n) (quickselect quantiles in simple-statistics).
 * @throws Error on an empty series
 */
export function demandStats(d: Float64Array): DemandStats {
  if (d.length === 0) throw new Error('demandStats: empty series');
  // simple-statistics reads typed arrays as they are (quantile selects on its own copy): no boxed copy
  const arr = d as unknown as number[];
  let peak = -Infinity;
  for (let i = 0; i < d.length; i++) if (d[i] > peak) peak = d[i];
  const [median, p95] = quantile(arr, [0.5, 0.95]) as number[];
  const m = mean(arr);
  const sd = d.length > 1 ? standardDeviation(arr) : 0;
  return { peak, p95, mean: m, median, coefficientOfVariation: m > 0 ? sd / m : 0, peakToMedian: median > 0 ? peak / median : peak > 0 ? Infinity : 1 };
}

export function classify(w: Workload, stats: DemandStats, settings: Settings): { class: WorkloadClass; reason: string } {
  const c = settings.classification;
  if (w.dataClass === 'sovereign') return { class: 'sovereign', reason: 'dataClass is sovereign: private sites only' };
  if (w.tags.includes('experimental')) return { class: 'experimental', reason: 'tagged experimental: public cloud' };
  if (w.tags.includes('gpu')) return { class: 'gpu', reason: 'tagged gpu: placed by cost' };
  if (stats.peakToMedian >= c.burstyPeakToMedian) return { class: 'bursty', reason: stats.peakToMedian === Infinity ? 'median demand is 0 with non-zero peaks' : `peak/median ${stats.peakToMedian.toFixed(2)} ≥ ${c.burstyPeakToMedian}` };
  if (stats.coefficientOfVariation >= c.burstyCoefficientOfVariation) return { class: 'bursty', reason: `coefficient of variation ${stats.coefficientOfVariation.toFixed(2)} ≥ ${c.burstyCoefficientOfVariation}` };
  return { class: 'steady', reason: `peak/median ${stats.peakToMedian.toFixed(2)} < ${c.burstyPeakToMedian} and CV ${stats.coefficientOfVariation.toFixed(2)} < ${c.burstyCoefficientOfVariation}` };
}

/**
 * Workload classes (format.md, "Classification"), first match wins: dataClass sovereign →
 * sovereign (private only); tag experimental → experimental (public); tag gpu → gpu (decided by
 * cost); peak/median ≥ burstyPeakToMedian or coefficient of variation ≥
 * burstyCoefficientOfVariation → bursty (public or overflow); otherwise steady (private).
 * This is the workload table of the Toss hybrid-cloud design (shared/seed).
 */
import { Settings, Workload } from '../model/model';

import type { WorkloadClass } from './classification-types';
export type { WorkloadClass };

import type { DemandStats } from '../traffic/demand-statistics';

export function classify(w: Workload, stats: DemandStats, settings: Settings): { class: WorkloadClass; reason: string } {
  const c = settings.classification;
  if (w.dataClass === 'sovereign') return { class: 'sovereign', reason: 'dataClass is sovereign: private sites only' };
  if (w.tags.includes('experimental')) return { class: 'experimental', reason: 'tagged experimental: public cloud' };
  if (w.tags.includes('gpu')) return { class: 'gpu', reason: 'tagged gpu: placed by cost' };
  if (stats.peakToMedian >= c.burstyPeakToMedian) return { class: 'bursty', reason: stats.peakToMedian === Infinity ? 'median demand is 0 with non-zero peaks' : `peak/median ${stats.peakToMedian.toFixed(2)} ≥ ${c.burstyPeakToMedian}` };
  if (stats.coefficientOfVariation >= c.burstyCoefficientOfVariation) return { class: 'bursty', reason: `coefficient of variation ${stats.coefficientOfVariation.toFixed(2)} ≥ ${c.burstyCoefficientOfVariation}` };
  return { class: 'steady', reason: `peak/median ${stats.peakToMedian.toFixed(2)} < ${c.burstyPeakToMedian} and CV ${stats.coefficientOfVariation.toFixed(2)} < ${c.burstyCoefficientOfVariation}` };
}

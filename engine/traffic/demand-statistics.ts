/**
 * Summary statistics of one demand series (format.md, "Classification"): peak, p95 and median
 * (simple-statistics' quantile, quickselect on its own copy), mean, coefficient of variation
 * (sample standard deviation / mean) and peak / median. Exact over the whole series: the replay
 * streams, so simulate.ts generates one workload's series at a time for these.
 */
import { mean, quantile, standardDeviation } from 'simple-statistics';

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


/**
 * Summary statistics of one demand series (format.md, "Classification"): peak, p95 and median
 * (simple-statistics' quantile, quickselect on its own copy), mean, coefficient of variation
 * (population standard deviation / mean) and peak / median. Exact over the whole series: the
 * replay streams, so simulate.ts generates one workload's series at a time for these. The mean
 * and deviation are simple-statistics' own formulas (mean: Kahan–Babuška–Neumaier compensated
 * sum / n; standardDeviation: sqrt(Σ(x − mean)² / n)) in one pass each instead of three, with
 * the same result to the bit (test/streaming.test.ts).
 */
import { quantile } from 'simple-statistics';

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
  const n = d.length;
  let peak = d[0] > -Infinity ? d[0] : -Infinity;
  let sum = d[0];
  let correction = 0;
  for (let i = 1; i < n; i++) {
    const x = d[i];
    if (x > peak) peak = x;
    const next = sum + x;
    if (Math.abs(sum) >= Math.abs(x)) correction += sum - next + x;
    else correction += x - next + sum;
    sum = next;
  }
  const m = (sum + correction) / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const dev = d[i] - m;
    squares += dev * dev;
  }
  const sd = n > 1 ? Math.sqrt(squares / n) : 0;
  const [median, p95] = quantile(arr, [0.5, 0.95]) as number[];
  return { peak, p95, mean: m, median, coefficientOfVariation: m > 0 ? sd / m : 0, peakToMedian: median > 0 ? peak / median : peak > 0 ? Infinity : 1 };
}


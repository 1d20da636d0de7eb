/**
 * Summary statistics of one demand series (format.md, "Classification"): peak, p95 and median
 * (simple-statistics' quantile: type 7, (n − 1)·p, linear between the order statistics around it),
 * mean, coefficient of variation (population standard deviation / mean) and peak / median. Exact
 * over the whole series: the replay streams, so simulate.ts generates one workload's series at a
 * time for these. The mean and deviation are simple-statistics' own formulas (mean:
 * Kahan–Babuška–Neumaier compensated sum / n; standardDeviation: sqrt(Σ(x − mean)² / n)) in one
 * pass each instead of three, with the same result to the bit (test/streaming.test.ts). The
 * order statistics the quantiles need are found by counting the values into buckets between the
 * minimum and the maximum (bucket order is value order), then sorting only the values of the
 * buckets that hold those ranks: two passes instead of a copy and two quickselects, the same
 * numbers (test/streaming.test.ts), and simple-statistics' own quantile where the buckets
 * do not spread the values.
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
 * Summary statistics of a demand series. O(n).
 * @throws Error on an empty series
 */
export function demandStats(d: Float64Array): DemandStats {
  if (d.length === 0) throw new Error('demandStats: empty series');
  const n = d.length;
  // each pass over the series is a function of its own: V8 compiles a hot loop while it runs (on-stack
  // replacement), and code after it in the same function, never run yet, throws that code away and
  // runs on in the interpreter (ten 5-minute years, the first statistics of a process: 26 → 23 ms)
  const sum = rangeAndSum(d);
  const peak = range[0], low = range[1];
  const m = sum / n;
  const squares = squaredDeviations(d, m);
  const sd = n > 1 ? Math.sqrt(squares / n) : 0;
  const [median, p95] = quantiles(d, low, peak, m);
  return { peak, p95, mean: m, median, coefficientOfVariation: m > 0 ? sd / m : 0, peakToMedian: median > 0 ? peak / median : peak > 0 ? Infinity : 1 };
}

/** The largest and the smallest value of the series rangeAndSum last read. */
const range = new Float64Array(2);

/**
 * The sum of the series (Neumaier's compensated summation), and its range into `range`, written as
 * it changes inside the loop: a store after the loop would be code the compiled loop has never
 * seen run, and V8 would throw the compiled code away there.
 */
function rangeAndSum(d: Float64Array): number {
  const n = d.length;
  let peak = d[0] > -Infinity ? d[0] : -Infinity;
  let low = d[0];
  range[0] = peak;
  range[1] = low;
  let sum = d[0];
  let correction = 0;
  for (let i = 1; i < n; i++) {
    const x = d[i];
    if (x > peak) range[0] = peak = x;
    if (x < low) range[1] = low = x;
    const next = sum + x;
    if (Math.abs(sum) >= Math.abs(x)) correction += sum - next + x;
    else correction += x - next + sum;
    sum = next;
  }
  return sum + correction;
}

function squaredDeviations(d: Float64Array, m: number): number {
  let squares = 0;
  for (let i = 0; i < d.length; i++) {
    const dev = d[i] - m;
    squares += dev * dev;
  }
  return squares;
}

const QUANTILES = [0.5, 0.95];
const BUCKETS = 4096;
const counts = new Int32Array(BUCKETS);
const wanted = new Uint8Array(BUCKETS);
let gathered = new Float64Array(0);

/** simple-statistics' quantile(d, ps), to the bit, by bucket counting (orderStatistics) where it pays: for a series of finite values (a utilization's, say). */
export function quantilesOf(d: Float64Array, ps: readonly number[]): number[] {
  const sum = rangeAndSum(d); // NaN for an empty series: simple-statistics' quantile, and its error
  return quantiles(d, range[1], range[0], sum, ps);
}

/** simple-statistics' quantile(d, ps); `total` (a sum or mean) only to know the values are all finite numbers. */
function quantiles(d: Float64Array, min: number, max: number, total: number, ps: readonly number[] = QUANTILES): number[] {
  const n = d.length;
  const ranks: number[] = [];
  for (const p of ps) {
    const idx = (n - 1) * p;
    ranks.push(Math.floor(idx), Math.ceil(idx));
  }
  const at = Number.isFinite(total) ? orderStatistics(d, min, max, ranks) : undefined;
  // simple-statistics reads typed arrays as they are (quantile selects on its own copy): no boxed copy
  if (!at) return quantile(d as unknown as number[], ps as number[]) as number[];
  return ps.map((p, i) => {
    // quantileSorted (type 7), step for step
    const idx = (n - 1) * p;
    if (p === 1) return at(n - 1);
    if (p === 0) return at(0);
    const lower = ranks[2 * i], upper = ranks[2 * i + 1];
    if (idx % 1 !== 0) return at(lower) + (idx - lower) * (at(upper) - at(lower));
    return at(idx);
  });
}

/**
 * The values of d at the given ranks of its ascending order (0-based), as a lookup, by counting d
 * into BUCKETS buckets of equal width between min and max; undefined when the values span no
 * width or the buckets holding the ranks hold more than a quarter of them (too few distinct
 * buckets to pay). Equal values share a bucket, so a rank's value is the same as in a full sort
 * (−0 and +0 compare equal there as in any selection; no demand figure tells them apart).
 */
export function orderStatistics(d: Float64Array, min: number, max: number, ranks: readonly number[]): ((rank: number) => number) | undefined {
  const n = d.length;
  const span = max - min;
  if (!(span > 0 && span < Infinity)) return undefined;
  const scale = BUCKETS / span;
  const top = BUCKETS - 1;
  countBuckets(d, min, scale, top);
  // each rank's place among the values of the buckets that hold ranks, laid out in bucket order
  // (a bucket's values all sort before the next bucket's), and those buckets marked
  const sorted = [...new Set(ranks)].sort((x, y) => x - y);
  const place = new Map<number, number>();
  wanted.fill(0);
  let cum = 0;
  let size = 0;
  let r = 0;
  for (let b = 0; b < BUCKETS && r < sorted.length; b++) {
    const next = cum + counts[b];
    if (sorted[r] < next) {
      wanted[b] = 1;
      for (; r < sorted.length && sorted[r] < next; r++) place.set(sorted[r], size + sorted[r] - cum);
      size += counts[b];
    }
    cum = next;
  }
  if (size > n / 4) return undefined;
  if (gathered.length < size) gathered = new Float64Array(Math.max(size, 2 * gathered.length));
  gatherWanted(d, min, scale, top);
  const part = gathered.subarray(0, size).sort();
  return (rank: number) => part[place.get(rank)!];
}

// a value's bucket, ((v − min) · scale) | 0 capped at the top one, is written out in both loops
// below (a shared closure made the whole 50 % slower); both must place values alike. Each loop is
// a function of its own, as in demandStats.

function countBuckets(d: Float64Array, min: number, scale: number, top: number): void {
  counts.fill(0);
  for (let i = 0; i < d.length; i++) {
    const b = ((d[i] - min) * scale) | 0;
    counts[b < top ? b : top]++;
  }
}

/** The values of the wanted buckets into gathered, in series order. */
function gatherWanted(d: Float64Array, min: number, scale: number, top: number): void {
  let k = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    const b = ((v - min) * scale) | 0;
    if (wanted[b < top ? b : top]) gathered[k++] = v;
  }
}

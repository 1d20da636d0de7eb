/**
 * The shapes of demand over the horizon's steps (format.md, "Workload" and "Scenario"): a trace
 * resampled to the step by the mean over each step (a step with no sample takes the previous
 * step's value; gaps longer than three steps are warned about), a seeded synthetic profile, and
 * growth × (1 + perMonth)^(elapsed / month). demand-stream.ts puts them together per workload
 * with `scale` and `countPer`.
 *
 * Alignment of a trace recorded in another period: when the trace covers the horizon start it is
 * used at its own times; otherwise it is shifted by whole weeks (keeping weekday and time of day)
 * so that it starts within the week before the horizon start. Past its end it repeats
 * (`extend: repeat`, period = span + one sample interval) or holds its last value (`hold`).
 */
import { Horizon, Traffic } from '../model/model';
import { Rng } from '../replay/rng';
import { TraceSeries, zoneOffsetSeconds } from './trace-file';
import { SECONDS_PER_DAY, SECONDS_PER_MONTH } from '../model/time-constants';
import { resampledKey, TraceOrigin, TraceStore } from './trace-store';
import type { DemandStats } from './demand-statistics';

const WEEK = 7 * SECONDS_PER_DAY;

export interface TrafficWarning { message: string; start: number; end: number }

export function stepCount(h: Horizon): number {
  return Math.ceil((h.end - h.start) / h.step - 1e-9);
}

const intervals = new WeakMap<Float64Array, number>();

/** The k-th smallest value of a (0-based), reordering a in place: Hoare's selection with the middle pivot. */
export function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const x = a[i]; a[i] = a[j]; a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Typical sample spacing of a trace (median of consecutive differences); computed once per series. */
export function sampleInterval(times: Float64Array): number {
  if (times.length < 2) return 0;
  const hit = intervals.get(times);
  if (hit !== undefined) return hit;
  // evenly spaced (the common export): the median is that spacing, no sort needed
  const first = times[1] - times[0];
  const even = evenlyBy(times, first);
  let m = first;
  if (!even) {
    // the median spacing, d[floor(n / 2)] of the sorted spacings, by selection: O(n), no sort
    const d = spacings(times);
    m = kthSmallest(d, Math.floor(d.length / 2));
  }
  intervals.set(times, m);
  if (even) evenlySpaced.add(times);
  return m;
}

/**
 * Whether every spacing of times is `spacing`. A function of its own: V8 compiles a long loop while
 * it runs (on-stack replacement), and code after it in the same function that had never run threw
 * that code away again at every call (221 times in a cold run over 1,000 traces, each time
 * finishing the loop in the interpreter).
 */
function evenlyBy(times: Float64Array, spacing: number): boolean {
  for (let i = 2; i < times.length; i++) if (times[i] - times[i - 1] !== spacing) return false;
  return true;
}

/** times[i + 1] − times[i] for each i (a function of its own, as evenlyBy). */
function spacings(times: Float64Array): Float64Array {
  const d = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) d[i - 1] = times[i] - times[i - 1];
  return d;
}

/** Traces whose every spacing is the same (sampleInterval found them so). */
const evenlySpaced = new WeakSet<Float64Array>();

/** The spacing of a trace sampled at exactly one interval, else 0. */
function evenSpacing(times: Float64Array): number {
  const m = sampleInterval(times);
  return evenlySpaced.has(times) ? m : 0;
}

export interface TraceAlignment { offset: number; period: number; first: number; last: number }

export function alignTrace(times: Float64Array, h: Horizon): TraceAlignment {
  const first = times[0];
  const last = times[times.length - 1];
  const interval = sampleInterval(times) || h.step;
  const period = last - first + interval;
  let offset = 0;
  if (!(first <= h.start && h.start <= last + interval)) {
    offset = Math.floor((h.start - first) / WEEK) * WEEK;
    if (first + offset + period <= h.start) offset = h.start - first;
  }
  return { offset, period, first: first + offset, last: last + offset };
}

/** Whether the aligned trace covers the whole horizon without extending. */
export function traceCovers(times: Float64Array, h: Horizon): boolean {
  const al = alignTrace(times, h);
  return al.first + al.period >= h.end;
}

let scratch = new Float64Array(0);
/** A reusable buffer for the prefix sums of one resample (no allocation per workload). */
function prefixScratch(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/** The first index of times[0, n) at or after u (times ascending), by binary search. */
function lowerBound(times: Float64Array, n: number, u: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Resamples a trace onto the horizon: out[i] = mean of samples in step i, else out[i − 1].
 * Returns the gaps longer than 3 × max(step, sample interval), in trace time.
 */
export function resampleTrace(series: TraceSeries, h: Horizon, extend: 'repeat' | 'hold' | 'error', out: Float64Array): TrafficWarning[] {
  const { times, values } = series;
  const n = times.length;
  const steps = out.length;
  const prefix = prefixScratch(n + 1);
  prefix[0] = 0;
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + values[i];
  const al = alignTrace(times, h);
  const step = h.step;
  const hStart = h.start;
  const offset = al.offset;
  const t0 = times[0];
  const period = al.period;
  const end0 = al.first - al.offset + period;
  // A trace sampled exactly every step, in phase with the steps, all in whole seconds (a monitoring
  // export at the run's step): each step holds exactly the sample at index (t − t0) / step, found
  // by arithmetic, the same result as the search to the bit. Otherwise a and b, the first samples
  // at or after the step's start and end in trace time, only move forward as the steps do: each a
  // scan of a few samples from where it was, a binary search only after the trace wraps around.
  const arithmetic = evenSpacing(times) === step && Number.isInteger(t0) && Number.isInteger(step) && Number.isInteger(hStart) && Number.isInteger(offset) && (hStart - offset - t0) % step === 0;
  let a = 0;
  let b = 0;
  let prev = values[0];
  for (let i = 0; i < steps; i++) {
    let t = hStart + i * step - offset; // in trace time
    if (t >= end0) {
      if (extend === 'hold') {
        out[i] = values[n - 1];
        prev = out[i];
        continue;
      }
      t = t0 + ((t - t0) % period);
    }
    if (arithmetic) {
      const k = (t - t0) / step;
      if (k >= 0) prev = prefix[k + 1] - prefix[k]; // the mean of its one sample
      else if (i === 0) prev = values[0];
    } else {
      if (a > 0 && times[a - 1] >= t) a = lowerBound(times, n, t); // wrapped around
      else while (a < n && times[a] < t) a++;
      const u = t + step;
      if (b < a) b = a;
      else if (b > 0 && times[b - 1] >= u) b = a; // wrapped around
      while (b < n && times[b] < u) b++;
      if (b > a) prev = (prefix[b] - prefix[a]) / (b - a);
      else if (i === 0 && a > 0) prev = values[a - 1];
      else if (i === 0) prev = values[0];
    }
    out[i] = prev;
  }
  const warnings: TrafficWarning[] = [];
  const limit = 3 * Math.max(h.step, sampleInterval(times));
  for (let i = 1; i < n && warnings.length < 50; i++) {
    if (times[i] - times[i - 1] > limit) {
      const local = springForward(times[i - 1], times[i]) && series.wallClockAsUtc ? ". The hour 02:00–03:00 of a Sunday is missing, as where clocks spring forward: if the trace's times are local, give its time zone (traffic.timezone, e.g. America/New_York)" : '';
      warnings.push({ message: `gap of ${formatSpan(times[i] - times[i - 1])} in the trace from ${iso(times[i - 1])} to ${iso(times[i])}; the last value is held${local}`, start: times[i - 1], end: times[i] });
    }
  }
  return warnings;
}

/**
 * A gap from before 02:00 to 03:00 (within 15 min) of one Sunday, in times read as UTC: the hour
 * that wall clocks skip when daylight saving time starts (the United States, Canada, Europe,
 * Australia and New Zealand all switch on a Sunday, at 02:00 local time or, in Europe, 01:00 UTC).
 */
export function springForward(from: number, to: number): boolean {
  const day = Math.floor(to / SECONDS_PER_DAY);
  const a = from - day * SECONDS_PER_DAY;
  const b = to - day * SECONDS_PER_DAY;
  const sunday = new Date(day * SECONDS_PER_DAY * 1000).getUTCDay() === 0;
  return sunday && a >= 3600 && a < 7200 && b >= 10800 && b <= 10800 + 900;
}

export function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

export function formatSpan(s: number): string {
  if (s >= 2 * SECONDS_PER_DAY) return `${(s / SECONDS_PER_DAY).toFixed(1)} days`;
  if (s >= 7200) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 60)} min`;
}

/**
 * The calendar terms of synthetic traffic per step, shared by every profile of a run: the daily
 * sin(2π(h − 8)/24) and weekly cos(2π(d − 2)/7), h the hour of day and d the day since Monday in
 * the time zone, at each step's middle. Two arrays of steps values, computed once (a profile
 * then multiplies instead of evaluating a sine, a cosine and two modulos per step).
 */
export class SyntheticClock {
  readonly daily: Float64Array;
  readonly weekly: Float64Array;
  /** A scratch of standard normals for the profile being filled. */
  normals = new Float64Array(0);

  constructor(readonly h: Horizon, readonly steps: number, timezone: string) {
    const tzOff = timezone === 'UTC' ? 0 : zoneOffsetSeconds(timezone, h.start);
    this.daily = new Float64Array(steps);
    this.weekly = new Float64Array(steps);
    for (let i = 0; i < steps; i++) {
      const local = h.start + (i + 0.5) * h.step + tzOff;
      const hour = (((local % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY) / 3600;
      // 1970-01-01 was a Thursday: days since Monday = (days + 3) mod 7
      const dow = ((local / SECONDS_PER_DAY + 3) % 7 + 7) % 7;
      this.daily[i] = Math.sin((2 * Math.PI * (hour - 8)) / 24);
      this.weekly[i] = Math.cos((2 * Math.PI * (dow - 2)) / 7);
    }
  }
}

/**
 * Synthetic traffic: baseline × (1 + dailyAmplitude·sin(2π(h − 8)/24)) × (1 + weeklyAmplitude·cos(2π(d − 2)/7))
 * × bursts × (1 + noise·N(0,1)), clamped at 0; h is the hour of day and d the day since Monday
 * in `timezone` (daily peak at 14:00, weekly peak on Wednesday), evaluated at each step's middle
 * (SyntheticClock). Produced range by range (a streamed replay holds no whole series): the noise
 * is drawn in step order, so ranges read one after another from step 0 give one whole pass.
 */
export class SyntheticProfile {
  private rng: Rng;
  /** The next step the noise stream is at. */
  private next = 0;

  constructor(private readonly t: Extract<Traffic, { kind: 'synthetic' }>, private readonly clock: SyntheticClock) {
    this.rng = new Rng(t.seed);
  }

  /** Steps i0 … i0 + len − 1 into out[0, len); i0 is 0 (start again) or where the last range ended. */
  fill(i0: number, len: number, out: Float64Array): void {
    if (i0 === 0) {
      this.rng = new Rng(this.t.seed);
      this.next = 0;
    } else if (i0 !== this.next) throw new Error(`synthetic profile read at step ${i0}, expected ${this.next} (ranges must follow one another)`);
    const { t, clock } = this;
    const { daily, weekly, h } = clock;
    const bursts = t.bursts;
    const noise = t.noise;
    // the noise in one draw per range: the same normals, in the same order, as one per step
    if (noise > 0 && clock.normals.length < len) clock.normals = new Float64Array(len);
    const z = clock.normals;
    if (noise > 0) this.rng.fillNormal(z, len);
    const base = t.baseline, ad = t.dailyAmplitude, aw = t.weeklyAmplitude;
    for (let k = 0; k < len; k++) {
      const i = i0 + k;
      let v = base * (1 + ad * daily[i]) * (1 + aw * weekly[i]);
      if (bursts.length) {
        const ts = h.start + (i + 0.5) * h.step;
        for (let b = 0; b < bursts.length; b++) {
          const br = bursts[b];
          let rel = ts - br.at;
          if (br.every && br.every > 0 && rel >= 0) rel %= br.every;
          if (rel >= 0 && rel < br.duration) v *= br.multiplier;
        }
      }
      if (noise > 0) v *= 1 + noise * z[k];
      out[k] = v > 0 ? v : 0;
    }
    this.next = i0 + len;
  }
}

/** The whole synthetic series into out (SyntheticProfile read in one range). */
export function synthesize(t: Extract<Traffic, { kind: 'synthetic' }>, h: Horizon, timezone: string, out: Float64Array): void {
  new SyntheticProfile(t, new SyntheticClock(h, out.length, timezone)).fill(0, out.length, out);
}

/** The growth rate k of (1 + perMonth)^(s / month) = exp(k·s), s in seconds. */
export function growthRate(perMonth: number): number {
  return Math.log1p(perMonth) / SECONDS_PER_MONTH;
}

/** The growth factors exp(k·t·Δ) of steps t0 … t0 + len − 1 into out[0, len), t at each step's start (k: growthRate). */
export function fillGrowth(out: Float64Array, k: number, t0: number, len: number, step: number): void {
  for (let i = 0; i < len; i++) out[i] = Math.exp(k * (t0 + i) * step);
}

/** Growth factor per step: (1 + perMonth)^((t − start) / month), t at the step start. */
export function growthSeries(perMonth: number, h: Horizon, steps: number): Float64Array | undefined {
  if (perMonth === 0) return undefined;
  const g = new Float64Array(steps);
  fillGrowth(g, growthRate(perMonth), 0, steps, h.step);
  return g;
}

/** A trace resampled onto a run's steps; `key` and `stored`: its entry in the trace store (trace-store.ts). */
export interface ResampledTrace {
  out: Float64Array;
  warnings: TrafficWarning[];
  /** The statistics of `out`, once measured (or read with it from the store). */
  stats?: DemandStats;
  key?: string;
  /** In the store, or being written there (the main thread writes asynchronously; TraceStore.flush). */
  stored: boolean;
  /** The trace it was resampled from, named in its store entry. */
  origin?: TraceOrigin;
}

const resampled = new WeakMap<TraceSeries, Map<string, ResampledTrace>>();

/**
 * Part of every stored resampled series' key (trace-store.ts): raise it with any change to what
 * resampleTrace, alignTrace, sampleInterval or demandStats compute, so that no store entry made
 * by the old code is read by the new.
 */
export const RESAMPLED_VERSION = 1;

/**
 * resampleTrace, once per trace series, horizon and extend mode (the result is read-only): from
 * memory, else from the trace store when the series' source is known, else computed (and stored
 * later, with its statistics, by PlanDemand.persist).
 */
export function resampledOnce(series: TraceSeries, h: Horizon, extend: 'repeat' | 'hold' | 'error', steps: number, store?: TraceStore): ResampledTrace {
  const byKey = resampledOf(series);
  const spec = specOf(h, extend, steps);
  let r = byKey.get(spec);
  if (!r) {
    const key = store && series.source ? resampledKey(series.source, spec) : undefined;
    const hit = key ? store!.resampled(key) : undefined;
    if (hit && hit.out.length === steps) r = { ...hit, key, stored: true };
    else {
      if (series.times.length === 0) throw new Error('an empty trace cannot be resampled');
      // shared memory: a split replay's worker reads it in place (split-replay.ts)
      const out = new Float64Array(new SharedArrayBuffer(steps * Float64Array.BYTES_PER_ELEMENT));
      const origin = series.hash ? { hash: series.hash, rows: series.rows ?? series.times.length } : undefined;
      r = { out, warnings: resampleTrace(series, h, extend, out), key, stored: false, origin };
    }
    byKey.set(spec, r);
  }
  return r;
}

function resampledOf(series: TraceSeries): Map<string, ResampledTrace> {
  let byKey = resampled.get(series);
  if (!byKey) resampled.set(series, (byKey = new Map()));
  return byKey;
}

function specOf(h: Horizon, extend: 'repeat' | 'hold' | 'error', steps: number): string {
  return `${h.start}/${h.end}/${h.step}/${extend}/${steps}/v${RESAMPLED_VERSION}`;
}

/** Takes a series resampled elsewhere (a trace worker: resample-ahead.ts) as resampledOnce's result for its horizon, extend mode and steps. */
export function adoptResampled(series: TraceSeries, h: Horizon, extend: 'repeat' | 'hold' | 'error', steps: number, r: ResampledTrace): void {
  const byKey = resampledOf(series);
  const spec = specOf(h, extend, steps);
  if (!byKey.has(spec)) byKey.set(spec, r);
}

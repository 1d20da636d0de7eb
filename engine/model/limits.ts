/**
 * Limits that keep a run inside the machine rather than running out of memory. The replay
 * streams demand (traffic/demand-stream.ts), so a run holds what scales with its pairs, its
 * steps and its distinct traces, not pairs × steps; the estimate below adds up what replay.ts,
 * simulate.ts and the report allocate, and a run whose estimate passes the budget is refused
 * before it starts. The budget is HEADROOM_MEMORY_LIMIT (bytes, or with a unit: 1.5GiB, 800MiB),
 * else half of this machine's memory.
 */
import * as os from 'os';
import { formatBytes } from './file-access';

export const MAX_STEPS = 1_100_000; // a year at 30 s steps is 1,051,920

export interface RunShape {
  workloads: number;
  /** Placed (workload, site) pairs. */
  pairs: number;
  sites: number;
  steps: number;
  /** Distinct traces (each resampled series is held whole: steps values). */
  traces: number;
  /** Trace samples loaded (times and values, 16 bytes each); 0 when not known yet. */
  traceSamples?: number;
  /** Chart buckets (0: none). */
  buckets?: number;
  /** Calendar months of the horizon. */
  months: number;
}

const F64 = 8;

/** Calendar months a horizon of `steps` steps of `stepSeconds` can touch, at most (a month is at least 28 days). */
export function monthsSpanned(steps: number, stepSeconds: number): number {
  return Math.ceil((steps * stepSeconds) / (28 * 86400)) + 1;
}
/** The process itself: Node, the model, the report JSON of a large fleet. */
const BASE_BYTES = 160 * 2 ** 20;

/**
 * Bytes a streamed run holds at its peak. Per step: unserved and the shortfall (8 B each, and as
 * much again in the replay's own tally, replay-state.ts) and violations (2 B), per site
 * the utilization of each of 6 resources and up to 4 public instance types (80 B); per distinct
 * trace its resampled series (8 B); the statistics pass holds one workload's base and grown series
 * and simple-statistics' quantile copy (24 B). Per pair about 44 constants, accumulators and tallies, its
 * monthly cost and bucketed series; per workload its model, source positions, generator and report
 * entry (about 16 KB, measured on 10,000 generated workloads) and four bucketed series; the demand
 * chunk is 64 steps × workloads.
 */
export function streamedRunBytes(s: RunShape): number {
  const nb = s.buckets ?? 0;
  const perStep = 34 + s.sites * 80 + s.traces * F64 + 3 * F64;
  const perPair = (44 + s.months + nb) * F64;
  const perWorkload = (2000 + 64 + s.months + 4 * nb) * F64;
  const perSite = (6 * 3 * nb + 6 * s.months) * F64;
  return BASE_BYTES + s.steps * perStep + s.pairs * perPair + s.workloads * perWorkload + s.sites * perSite + (s.traceSamples ?? 0) * 16;
}

/** Bytes the whole demand arrays add (the optimizer and Monte Carlo read every step of every workload). */
export function wholeDemandBytes(arrays: number, steps: number): number {
  return arrays * steps * F64;
}

export interface MemoryBudget { bytes: number; from: string }

/**
 * A size set in the environment variable `name`: bytes, or a number with B, KiB, MiB, GiB or TiB
 * (1.5GiB, 800MiB); undefined when unset or blank. A malformed value is an error that names it.
 */
export function sizeFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?$/i.exec(raw);
  if (!m) throw new Error(`${name}=${JSON.stringify(raw)} is not a size (bytes, or a number with KiB, MiB, GiB or TiB)`);
  const unit = (m[2] ?? 'B').toLowerCase();
  const mult = { b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 }[unit]!;
  return Number(m[1]) * mult;
}

/** HEADROOM_MEMORY_LIMIT, else half of the machine's memory. A malformed value is an error. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): MemoryBudget {
  const bytes = sizeFromEnv('HEADROOM_MEMORY_LIMIT', env);
  if (bytes !== undefined) return { bytes, from: 'HEADROOM_MEMORY_LIMIT' };
  return { bytes: Math.floor(os.totalmem() / 2), from: "half of this machine's memory; set HEADROOM_MEMORY_LIMIT to change it" };
}

/** Undefined when the bytes fit the budget, else the sentence that says why a run is refused. */
export function overBudget(bytes: number, what: string | (() => string), budget: MemoryBudget = memoryBudget()): string | undefined {
  if (bytes <= budget.bytes) return undefined;
  // `what` may be a function: its numbers are formatted only for the message (the first
  // toLocaleString of a process sets up ICU's number formats, about 10 ms)
  return `${typeof what === 'string' ? what : what()} needs about ${formatBytes(bytes)} of memory; the limit is ${formatBytes(budget.bytes)} (${budget.from})`;
}

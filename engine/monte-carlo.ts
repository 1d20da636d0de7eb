/**
 * Monte Carlo over demand noise: run r multiplies every workload's demand at every step by
 * (1 + demandNoise·N(0,1)) drawn from Rng.stream(seed, r) as the replay reads it, and keeps total cost,
 * unserved requests and SLO-violation steps. Runs are spread over worker threads; each run
 * depends only on (seed, r), and results are gathered in run order, so a seed gives the same
 * numbers whatever the number of workers (runs are handed out one at a time through a shared
 * counter, so a busier CPU takes fewer). Base demand is shared with the workers through a
 * SharedArrayBuffer (no copies).
 */
import * as fs from 'fs';
import * as path from 'path';
import { quantileSorted } from 'simple-statistics';
import { Worker } from 'worker_threads';
import type { Horizon, Model, Placement, ScenarioEvent, Workload } from './model';
import { replay } from './replay';
import { Rng } from './rng';
import type { RunPlan } from './scenario-plan';

export interface RunOutcome { cost: number; unservedRequests: number; sloViolationSteps: number }

export interface MonteCarloSummary {
  runs: number;
  seed: number;
  demandNoise: number;
  workers: number;
  cost: { p10: number; p50: number; p90: number };
  unservedRequests: { p10: number; p50: number; p90: number };
  sloViolationSteps: { p50: number; p90: number };
  /** Fraction of runs with any unserved demand. */
  sloBreachProbability: number;
  outcomes: RunOutcome[];
}

/** Everything a run needs, as plain data that crosses to a worker thread (no source documents). */
export interface ReplayContext {
  model: Pick<Model, 'sites' | 'settings'>;
  placement: Placement;
  workloads: Workload[];
  horizon: Horizon;
  events: ScenarioEvent[];
  exchangeRates: Record<string, number>;
}

export interface MonteCarloJob {
  context: ReplayContext;
  runs: number;
  seed: number;
  demandNoise: number;
}

/** The plan of a simulation as a ReplayContext (source documents left behind). */
export function replayContext(model: Model, plan: Pick<RunPlan, 'placement' | 'workloads' | 'horizon' | 'scenario' | 'exchangeRates'>): ReplayContext {
  const strip = <T extends { src?: unknown }>(x: T): T => ({ ...x, src: undefined });
  return {
    model: { sites: new Map([...model.sites].map(([k, v]) => [k, strip(v)])), settings: strip(model.settings) },
    placement: strip(plan.placement),
    workloads: plan.workloads.map(strip),
    horizon: plan.horizon,
    events: plan.scenario.events,
    exchangeRates: plan.exchangeRates,
  };
}

/** Run r of a job, with demand read from `shared`: depends on (seed, r) only. */
export function runOne(job: MonteCarloJob, shared: Float64Array[], r: number): RunOutcome {
  const c = job.context;
  // The noise is applied as the replay reads demand: no per-run copy of the series.
  const res = replay({ model: c.model as Model, placement: c.placement, horizon: c.horizon, steps: shared[0].length, workloads: c.workloads, demand: shared, events: c.events, exchangeRates: c.exchangeRates, buckets: 0, perStep: false, noise: { sigma: job.demandNoise, rng: Rng.stream(job.seed, r) } });
  return { cost: res.siteCost.reduce((x, y) => x + y, 0), unservedRequests: res.workloadUnserved.reduce((x, y) => x + y, 0), sloViolationSteps: res.sloViolationSteps };
}

/**
 * Worker loop: takes the next run index from the shared counter until none is left, so a
 * worker on a slower (or busier) CPU simply takes fewer runs; results are posted with their index.
 */
export function runFromCounter(job: MonteCarloJob, shared: Float64Array[], counter: Int32Array, post: (r: number, o: RunOutcome) => void): void {
  for (;;) {
    const r = Atomics.add(counter, 0, 1);
    if (r >= job.runs) return;
    post(r, runOne(job, shared, r));
  }
}

function workerScript(): string {
  for (const name of ['monte-carlo-worker.cjs', 'monte-carlo-worker.js']) {
    const p = path.join(__dirname, name);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`monte-carlo worker script not found next to ${__filename}`);
}

function toShared(demand: readonly Float64Array[]): Float64Array[] {
  return demand.map((d) => {
    const s = new Float64Array(new SharedArrayBuffer(d.byteLength));
    s.set(d);
    return s;
  });
}

function summarize(job: MonteCarloJob, outcomes: RunOutcome[], workers: number): MonteCarloSummary {
  const q = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p10: quantileSorted(s, 0.1), p50: quantileSorted(s, 0.5), p90: quantileSorted(s, 0.9) };
  };
  const v = q(outcomes.map((o) => o.sloViolationSteps));
  return {
    runs: job.runs, seed: job.seed, demandNoise: job.demandNoise, workers,
    cost: q(outcomes.map((o) => o.cost)),
    unservedRequests: q(outcomes.map((o) => o.unservedRequests)),
    sloViolationSteps: { p50: v.p50, p90: v.p90 },
    sloBreachProbability: outcomes.filter((o) => o.unservedRequests > 0).length / outcomes.length,
    outcomes,
  };
}

/**
 * Runs a job over `workers` threads (0: in this thread). `baseDemand` is the demand as replayed
 * without noise (growth applied), per workload in the plan's order.
 */
export async function runMonteCarlo(job: MonteCarloJob, baseDemand: readonly Float64Array[], workers: number, onProgress?: (done: number) => void): Promise<MonteCarloSummary> {
  if (!(job.runs >= 1)) throw new Error('Monte Carlo needs at least one run');
  const shared = toShared(baseDemand);
  const outcomes: RunOutcome[] = new Array(job.runs);
  let done = 0;
  if (workers <= 0) {
    for (let r = 0; r < job.runs; r++) {
      outcomes[r] = runOne(job, shared, r);
      onProgress?.(++done / job.runs);
    }
    return summarize(job, outcomes, 0);
  }
  const n = Math.min(workers, job.runs);
  // Runs are handed out one at a time through a shared counter (not split in fixed slices), and
  // stored by index: the results are the same for any number of workers and any timing.
  const counter = new Int32Array(new SharedArrayBuffer(4));
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(workerScript(), { workerData: { job, shared, counter } });
    w.on('message', (m: { r?: number; outcome?: RunOutcome; end?: boolean }) => {
      if (m.r !== undefined && m.outcome) {
        outcomes[m.r] = m.outcome;
        onProgress?.(++done / job.runs);
      }
      if (m.end) resolve();
    });
    w.on('error', reject);
    w.on('exit', (code) => code !== 0 && reject(new Error(`Monte Carlo worker exited with ${code}`)));
  })));
  return summarize(job, outcomes, n);
}

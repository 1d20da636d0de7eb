/**
 * Monte Carlo (format.md, "Monte Carlo": uncertainty that does not average out). Run r draws,
 * from Rng.stream(seed, r) in this fixed order, only the factors the scenario sets: a level
 * exp(σ·z) per workload; the month's growth perMonth + sd·z; each listed exchange rate × exp(σ·z)
 * (currencies in name order); each listed public site's prices × exp(σ·z) (sites in name
 * order); for each random-outage entry a Poisson count over the horizon and uniform start
 * times; then, as the replay reads demand, AR(1) per-step noise. Demand at step t is
 * d(t) × growth(t) × level × max(0, 1 + demandNoise·e(t)). The lognormal factors keep the median,
 * so P50 of a cost linear in one factor equals the deterministic run.
 *
 * A run with sampled outages is replayed twice on the same draws, with and without them: it
 * fails N-1 when the outages leave more demand unserved after their detection time than the
 * twin does. Results: P10/P50/P90 of cost, cost per month, unserved demand and SLO-violation
 * steps, the probability of any unserved demand and of an N-1 failure, and every run's totals.
 * Each run depends on (seed, r) only and results are stored by index, so a seed gives the same
 * numbers for any number of workers (runs are handed out through a shared counter) or shards.
 * Base demand (before growth) is shared with the workers through SharedArrayBuffers.
 */
import { workerScript } from '../model/worker-scripts';
import { quantileSorted } from 'simple-statistics';
import { Worker } from 'worker_threads';
import { Horizon, Model, modelForWorker, MonteCarloSpec, Placement, ScenarioEvent, withoutSource, Workload } from '../model/model';
import { Replayer, ReplayResult } from './replay';
import { Rng } from './rng';
import type { RunPlan } from './scenario-plan';
import { SECONDS_PER_MONTH, SECONDS_PER_YEAR } from '../model/time-constants';
import { sumByUnit } from '../report/demand-units';

export interface RunOutcome {
  cost: number;
  /** Unserved demand × seconds of every workload, whatever its unit (the contract's figure), and per amount unit (demand-units.ts). */
  unservedRequests: number;
  unservedByUnit: Record<string, number>;
  sloViolationSteps: number;
  /** Random outages drawn for the run, and their start times. */
  outages: number;
  outageStarts: number[];
  /** Whether they left demand unserved beyond detection (only when some were drawn). */
  n1Failed?: boolean;
}

export interface Quantiles { p10: number; p50: number; p90: number }

export interface MonteCarloSummary {
  runs: number;
  seed: number;
  demandNoise: number;
  workers: number;
  cost: Quantiles;
  costPerMonth: Quantiles;
  unservedRequests: Quantiles;
  /** Per amount unit (requests, bytes, jobs·s, …), never added across units. */
  unservedByUnit: Record<string, Quantiles>;
  sloViolationSteps: Quantiles;
  /** Fraction of runs with any unserved demand. */
  sloBreachProbability: number;
  /** Fraction of runs in which a sampled outage left demand unserved beyond detection; null without random outages. */
  n1FailureProbability: number | null;
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
  /** The scenario's growth per month (applied per run, so that it can be drawn). */
  growthPerMonth: number;
}

export type MonteCarloJob = { context: ReplayContext } & Pick<MonteCarloSpec, 'runs' | 'seed' | 'demandNoise'> & Partial<Omit<MonteCarloSpec, 'runs' | 'seed' | 'demandNoise'>>;

/**
 * The Monte Carlo a run asks for: `runs` (and `seed`) over the scenario's model, or the
 * scenario's own monteCarlo (format.md, "Monte Carlo"); runs without a model: 10 % per-step
 * demand noise. None when neither asks.
 */
export function monteCarloJobOf(model: Model, plan: Pick<RunPlan, 'placement' | 'workloads' | 'horizon' | 'scenario' | 'exchangeRates'>, runs?: number, seed?: number): MonteCarloJob | undefined {
  const mc = plan.scenario.monteCarlo;
  if (runs === undefined && !mc) return undefined;
  return { ...(mc ?? { demandNoise: 0.1 }), context: replayContext(model, plan), runs: runs ?? mc!.runs, seed: seed ?? mc?.seed ?? 1 };
}

/** The plan of a simulation as a ReplayContext (source documents left behind). */
export function replayContext(model: Model, plan: Pick<RunPlan, 'placement' | 'workloads' | 'horizon' | 'scenario' | 'exchangeRates'>): ReplayContext {
  return {
    model: modelForWorker(model),
    placement: withoutSource(plan.placement),
    workloads: plan.workloads.map(withoutSource),
    horizon: plan.horizon,
    events: plan.scenario.events,
    exchangeRates: plan.exchangeRates,
    growthPerMonth: plan.scenario.growthPerMonth,
  };
}

const byName = <T>(o: Record<string, T> | undefined): [string, T][] => Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** One Replayer per job and shared demand (a worker's runs): every run at the speed of a first replay (replay.ts). */
const replayers = new WeakMap<Float64Array[], { job: MonteCarloJob; replayer: Replayer }>();

function replayerFor(job: MonteCarloJob, shared: Float64Array[]): Replayer {
  const hit = replayers.get(shared);
  if (hit && hit.job === job) return hit.replayer;
  const c = job.context;
  const replayer = new Replayer({
    model: c.model as Model, placement: c.placement, horizon: c.horizon, steps: shared[0].length, workloads: c.workloads, demand: shared, events: c.events, exchangeRates: c.exchangeRates, buckets: 0, perStep: false,
  });
  replayers.set(shared, { job, replayer });
  return replayer;
}

/** Run r of a job, with base demand (before growth) read from `shared`: depends on (seed, r) only. */
export function runOne(job: MonteCarloJob, shared: Float64Array[], r: number): RunOutcome {
  const c = job.context;
  const h = c.horizon;
  const rng = Rng.stream(job.seed, r);
  const W = c.workloads.length;
  let level: Float64Array | undefined;
  if (job.demandLevel) {
    level = new Float64Array(W);
    for (let w = 0; w < W; w++) level[w] = Math.exp(job.demandLevel * rng.normal());
  }
  const growth = c.growthPerMonth + (job.growthSd ? job.growthSd * rng.normal() : 0);
  const growthK = growth !== 0 ? Math.log1p(Math.max(growth, -0.99)) / SECONDS_PER_MONTH : 0;
  const rates = { ...c.exchangeRates };
  for (const [cur, sd] of byName(job.exchangeRates)) if (sd > 0 && rates[cur] !== undefined) rates[cur] *= Math.exp(sd * rng.normal());
  const priceFactor: Record<string, number> = {};
  for (const [site, sd] of byName(job.priceMultiplier)) if (sd > 0) priceFactor[site] = Math.exp(sd * rng.normal());
  const sampled: ScenarioEvent[] = [];
  const years = (h.end - h.start) / SECONDS_PER_YEAR;
  for (const o of job.outages ?? []) {
    const n = rng.poisson(o.perYear * years);
    const starts = Array.from({ length: n }, () => h.start + rng.next() * (h.end - h.start)).sort((x, y) => x - y);
    for (const start of starts) sampled.push(o.zone ? { type: 'zoneOutage', site: o.site, zone: o.zone, start, duration: o.duration, index: -1 } : { type: 'siteOutage', site: o.site, start, duration: o.duration, index: -1 });
  }
  const noiseRng = sampled.length ? rng.clone() : undefined;
  const replayer = replayerFor(job, shared);
  const run = (events: ScenarioEvent[], noise: Rng): ReplayResult => replayer.run({
    demand: shared, events, exchangeRates: rates,
    noise: { sigma: job.demandNoise, rng: noise, rho: job.noiseAutocorrelation, level, growthK, priceFactor },
  });
  // The noise is applied as the replay reads demand: no per-run copy of the series.
  const res = run([...c.events, ...sampled], rng);
  const unservedByUnit = sumByUnit(c.workloads.map((w, i) => ({ unit: w.unit, amount: res.workloadUnserved[i] })));
  const out: RunOutcome = { cost: res.siteCost.reduce((x, y) => x + y, 0), unservedRequests: res.workloadUnserved.reduce((x, y) => x + y, 0), unservedByUnit, sloViolationSteps: res.sloViolationSteps, outages: sampled.length, outageStarts: sampled.map((e) => (e as { start: number }).start) };
  if (noiseRng) {
    const stepUnserved = res.stepUnserved.slice(); // the twin's run overwrites res
    const twin = run(c.events, noiseRng);
    const detect = Math.ceil(c.placement.detectionSeconds / h.step - 1e-9);
    let extra = 0;
    for (const e of sampled) {
      const from = Math.max(0, Math.floor(((e as { start: number }).start - h.start) / h.step + 1e-9)) + detect;
      const to = Math.min(res.steps, Math.ceil(((e as { start: number }).start + (e as { duration: number }).duration - h.start) / h.step - 1e-9));
      for (let t = from; t < to; t++) extra += stepUnserved[t] - twin.stepUnserved[t];
    }
    out.n1Failed = extra > 1e-9;
  }
  return out;
}

/**
 * Worker loop: takes the next run index from the shared counter until none is left, so a
 * worker on a slower (or busier) CPU simply takes fewer runs; results are posted with their index.
 */
export function runFromCounter(job: MonteCarloJob, shared: Float64Array[], counter: Int32Array, post: (r: number, o: RunOutcome) => void, indices?: number[]): void {
  for (;;) {
    const i = Atomics.add(counter, 0, 1);
    const r = indices ? indices[i] : i;
    if (r === undefined || r >= job.runs) return;
    post(r, runOne(job, shared, r));
  }
}

/** The run indices of shard i of n: r ≡ i (mod n). */
export function shardIndices(runs: number, shard: { index: number; count: number }): number[] {
  const out: number[] = [];
  for (let r = shard.index; r < runs; r += shard.count) out.push(r);
  return out;
}

/** Runs only some of a job's runs (a shard); outcomes by run index. */
export async function runMonteCarloRuns(job: MonteCarloJob, baseDemand: readonly Float64Array[], indices: number[], workers: number): Promise<Map<number, RunOutcome>> {
  const shared = toShared(baseDemand);
  const out = new Map<number, RunOutcome>();
  if (workers <= 0 || indices.length < 2) {
    for (const r of indices) out.set(r, runOne(job, shared, r));
    return out;
  }
  const counter = new Int32Array(new SharedArrayBuffer(4));
  await Promise.all(Array.from({ length: Math.min(workers, indices.length) }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(monteCarloWorker(), { workerData: { job, shared, counter, indices } });
    w.on('message', (m: { r?: number; outcome?: RunOutcome; end?: boolean }) => {
      if (m.r !== undefined && m.outcome) out.set(m.r, m.outcome);
      if (m.end) resolve();
    });
    w.on('error', reject);
    w.on('exit', (code) => code !== 0 && reject(new Error(`Monte Carlo worker exited with ${code}`)));
  })));
  return out;
}

function monteCarloWorker(): string {
  const script = workerScript(__dirname, 'monte-carlo-worker');
  if (!script) throw new Error(`monte-carlo worker script not found next to ${__filename}`);
  return script;
}

function toShared(demand: readonly Float64Array[]): Float64Array[] {
  return demand.map((d) => {
    const s = new Float64Array(new SharedArrayBuffer(d.byteLength));
    s.set(d);
    return s;
  });
}

function quantiles(xs: number[]): Quantiles {
  const s = [...xs].sort((a, b) => a - b);
  return { p10: quantileSorted(s, 0.1), p50: quantileSorted(s, 0.5), p90: quantileSorted(s, 0.9) };
}

export function summarize(job: MonteCarloJob, outcomes: RunOutcome[], workers: number): MonteCarloSummary {
  const h = job.context.horizon;
  const months = (h.end - h.start) / SECONDS_PER_MONTH;
  const withOutages = (job.outages ?? []).length > 0;
  return {
    runs: job.runs, seed: job.seed, demandNoise: job.demandNoise, workers,
    cost: quantiles(outcomes.map((o) => o.cost)),
    costPerMonth: quantiles(outcomes.map((o) => o.cost / months)),
    unservedRequests: quantiles(outcomes.map((o) => o.unservedRequests)),
    unservedByUnit: Object.fromEntries(Object.keys(outcomes[0]?.unservedByUnit ?? {}).map((u) => [u, quantiles(outcomes.map((o) => o.unservedByUnit[u]))])),
    sloViolationSteps: quantiles(outcomes.map((o) => o.sloViolationSteps)),
    sloBreachProbability: outcomes.filter((o) => o.unservedRequests > 0).length / outcomes.length,
    n1FailureProbability: withOutages ? outcomes.filter((o) => o.n1Failed).length / outcomes.length : null,
    outcomes,
  };
}

/**
 * Runs a job over `workers` threads (0: in this thread). `baseDemand` is the demand before growth
 * and noise (the simulation's baseDemand), per workload in the plan's order.
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
    const w = new Worker(monteCarloWorker(), { workerData: { job, shared, counter } });
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

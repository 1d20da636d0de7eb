/**
 * One simulation run, start to end: plan (scenario, placement, horizon), demand per workload
 * (traffic.ts, growth, optional Monte Carlo noise), replay (replay.ts), N-1 check (failover.ts),
 * and the report (report.ts). The CLI, the extension's worker and the tests call this.
 */
import { Analysis } from '../lint/lint';
import type { FailoverResult } from './failover';
import { ReplayResult } from './replay';
import { replayBySites } from './split-replay';
import { planRun, RunPlan } from './scenario-plan';
import { performance } from 'perf_hooks';
import { TraceCache } from '../traffic/trace-file';
import { growthSeries, stepCount, TrafficWarning } from '../traffic/traffic';
import { PlanDemand } from '../traffic/demand-stream';
import { MAX_STEPS, monthsSpanned, overBudget, RunShape, streamedRunBytes, wholeDemandBytes } from '../model/limits';
import { placedPairs, placementWithShares, ScenarioEvent } from '../model/model';
import { DemandStats, demandStats } from '../traffic/demand-statistics';

export interface SimulationOptions {
  scenario?: string;
  buckets?: number;
  onProgress?: (fraction: number) => void;
  traces?: TraceCache;
  /** Replace some workloads' shares (a recommended placement) before replaying. */
  shares?: Record<string, Record<string, number>>;
  /**
   * Hosts bought now (a recommendation made with `--add-hosts`): added to their aggregates from
   * the horizon's start, as addHosts events after the scenario's own, so that they are paid for
   * and counted as the scenario's additions are.
   */
  addHosts?: readonly { site: string; aggregate: string; hosts: number }[];
  /** Replay on two threads split by sites (split-replay.ts): undefined when the run is large enough, false never, true whenever it allows. */
  split?: boolean;
  /** Filled with the seconds each phase took (plan, demand, replay, failover). */
  timings?: Record<string, number>;
  /**
   * The caller will read the whole demand (the optimizer, Monte Carlo): its memory is checked
   * before the replay, so a run that cannot go on is refused at once, not after replaying. A
   * function decides from the plan (the scenario may ask for Monte Carlo).
   */
  holdDemand?: boolean | ((plan: RunPlan) => boolean);
}

/** Statistics of one workload's demand: before growth (the classification's input) and as replayed. */
export interface WorkloadDemandStats { base: DemandStats; demand: DemandStats }

export interface Simulation {
  plan: RunPlan;
  steps: number;
  /** Per workload (plan order): demand statistics, from a pass over each workload's series. */
  stats: WorkloadDemandStats[];
  /**
   * Base demand per workload (before growth), whole: built on first use (the optimizer, Monte
   * Carlo), after a check that it fits the memory budget. The replay and the report stream.
   */
  readonly baseDemand: Float64Array[];
  /** Demand per workload as replayed (growth applied), whole: built on first use, as baseDemand. */
  readonly demand: Float64Array[];
  result: ReplayResult;
  failover: FailoverResult[];
  warnings: { workload: string; warnings: TrafficWarning[] }[];
}

const defaultTraces = new TraceCache();

export class SimulationLimitError extends Error {}

function demandOf(plan: RunPlan, steps: number): PlanDemand {
  return new PlanDemand(plan.workloads, plan.traces, plan.horizon, steps, plan.scenario.growthPerMonth, plan.store);
}

function warningsOf(plan: RunPlan, source: PlanDemand): Simulation['warnings'] {
  return plan.workloads.flatMap((w, i) => (source.warnings[i].length ? [{ workload: w.name, warnings: source.warnings[i] }] : []));
}

/** Demand held whole, per workload: base (before growth) and grown. Unscaled shared traces share their array. */
export function buildDemand(plan: RunPlan, steps: number, source = demandOf(plan, steps)): { base: Float64Array[]; demand: Float64Array[]; warnings: Simulation['warnings'] } {
  const base: Float64Array[] = [];
  const demand: Float64Array[] = [];
  const growth = growthSeries(plan.scenario.growthPerMonth, plan.horizon, steps);
  for (let w = 0; w < source.workloads; w++) {
    let b = source.sharedBase(w);
    if (!b) source.readBase(w, 0, steps, (b = new Float64Array(steps)));
    base.push(b);
    if (growth) {
      const g = new Float64Array(steps);
      for (let i = 0; i < steps; i++) g[i] = b[i] * growth[i];
      demand.push(g);
    } else demand.push(b);
  }
  return { base, demand, warnings: warningsOf(plan, source) };
}

/**
 * The statistics of every workload's demand (peak, p95, median, mean, CV: classification.ts),
 * one workload at a time: its series is generated whole into a scratch array (steps values),
 * measured, and dropped, so the numbers are those of the whole series, not a sketch. Workloads
 * that share an unscaled trace share its statistics.
 */
export function demandStatistics(plan: RunPlan, source: PlanDemand, steps: number): WorkloadDemandStats[] {
  const memo = new Map<Float64Array, WorkloadDemandStats>();
  const scratch = new Float64Array(steps);
  const growth = growthSeries(plan.scenario.growthPerMonth, plan.horizon, steps);
  const grown = growth ? new Float64Array(steps) : scratch;
  const out: WorkloadDemandStats[] = [];
  for (let w = 0; w < source.workloads; w++) {
    const shared = source.sharedBase(w);
    const hit = shared && memo.get(shared);
    if (hit) {
      out.push(hit);
      continue;
    }
    const b = shared ?? scratch;
    if (!shared) source.readBase(w, 0, steps, scratch);
    const base = source.sharedStats(w) ?? demandStats(b);
    source.keepSharedStats(w, base);
    let demand = base;
    if (growth) {
      for (let i = 0; i < steps; i++) grown[i] = b[i] * growth[i];
      demand = demandStats(grown);
    }
    const st = { base, demand };
    if (shared) memo.set(shared, st);
    out.push(st);
  }
  return out;
}

/** The shape of a run for the memory estimate (limits.ts). */
export function runShape(plan: RunPlan, steps: number, buckets: number): RunShape {
  const distinct = new Set([...plan.traces.values()]);
  const { pairs, sites } = placedPairs(plan.workloads.flatMap((w) => plan.placement.workloads.get(w.name) ?? []));
  let samples = 0;
  for (const t of distinct) samples += t.rows ?? t.times.length;
  return { workloads: plan.workloads.length, pairs, sites: sites.size, steps, traces: distinct.size, traceSamples: samples, buckets, months: monthsSpanned(steps, plan.horizon.step) };
}

/** Refuses (SimulationLimitError) whole-demand arrays that, with the streamed run's estimate, would pass the budget. */
function checkWholeDemand(plan: RunPlan, steps: number, streamedBytes: number, source: PlanDemand): void {
  let arrays = 0;
  for (let w = 0; w < source.workloads; w++) arrays += (source.sharedBase(w) ? 0 : 1) + (source.grows ? 1 : 0);
  const why = overBudget(streamedBytes + wholeDemandBytes(arrays, steps), () => `holding the demand of ${plan.workloads.length.toLocaleString('en-US')} workloads over ${steps.toLocaleString('en-US')} steps whole (the optimizer and Monte Carlo read every step)`);
  if (why) throw new SimulationLimitError(`${why}. Use a longer step or a shorter horizon`);
}

/**
 * The whole-demand arrays, built once on first use from the run's own demand source: base and
 * grown per workload, less the arrays shared traces share, after checkWholeDemand.
 */
function wholeDemandOnce(plan: RunPlan, steps: number, streamedBytes: number, source: PlanDemand): () => { base: Float64Array[]; demand: Float64Array[] } {
  let whole: { base: Float64Array[]; demand: Float64Array[] } | undefined;
  return () => {
    if (whole) return whole;
    checkWholeDemand(plan, steps, streamedBytes, source);
    return (whole = buildDemand(plan, steps, source));
  };
}

/**
 * The replay's unservedWeight: 1 / each workload's peak demand, so that its stepShortfall is
 * unserved demand as a share of each workload's own peak, summed (report.ts, worstMoments): a sum
 * over workloads of different units that means something.
 */
export function unservedWeights(stats: readonly { demand: DemandStats }[]): Float64Array {
  return Float64Array.from(stats, (s) => (s.demand.peak > 0 ? 1 / s.demand.peak : 0));
}

/** Records the seconds since the previous mark under a phase's name (no-op without a record). */
export function phaseClock(into: Record<string, number> | undefined): (phase: string) => void {
  let last = performance.now();
  return (phase) => {
    if (!into) return;
    const now = performance.now();
    into[phase] = (into[phase] ?? 0) + (now - last) / 1000;
    last = now;
  };
}

export function simulate(analysis: Analysis, opts: SimulationOptions = {}): Simulation {
  const clock = phaseClock(opts.timings);
  const planned = planRun(analysis.model, opts.scenario, opts.traces ?? analysis.traces ?? defaultTraces);
  clock('plan');
  const shared = opts.shares ? { ...planned, placement: placementWithShares(planned.placement, opts.shares) } : planned;
  const bought = (opts.addHosts ?? []).filter((x) => x.hosts !== 0).map((x, i): ScenarioEvent => ({ type: 'addHosts', site: x.site, aggregate: x.aggregate, hosts: x.hosts, at: shared.horizon.start, index: -1 - i }));
  const plan = bought.length ? { ...shared, scenario: { ...shared.scenario, events: [...shared.scenario.events, ...bought] } } : shared;
  const steps = stepCount(plan.horizon);
  const buckets = opts.buckets ?? 480;
  if (steps > MAX_STEPS) throw new SimulationLimitError(`the run needs ${steps.toLocaleString('en-US')} steps; the limit is ${MAX_STEPS.toLocaleString('en-US')} (use a longer step or a shorter horizon)`);
  const shape = runShape(plan, steps, buckets);
  const streamedBytes = streamedRunBytes(shape);
  const why = overBudget(streamedBytes, () => `the run (${plan.workloads.length.toLocaleString('en-US')} workloads, ${steps.toLocaleString('en-US')} steps)`);
  if (why) throw new SimulationLimitError(`${why}. Use a longer step or a shorter horizon`);
  const source = demandOf(plan, steps);
  const holds = typeof opts.holdDemand === 'function' ? opts.holdDemand(plan) : opts.holdDemand;
  if (holds) checkWholeDemand(plan, steps, streamedBytes, source);
  const stats = demandStatistics(plan, source, steps);
  source.persist(); // written while the replay runs
  clock('demand');
  const peaks = Float64Array.from(stats, (s) => s.demand.peak);
  const replayed = replayBySites({
    model: analysis.model, placement: plan.placement, horizon: plan.horizon, steps, workloads: plan.workloads, demand: source,
    events: plan.scenario.events, exchangeRates: plan.exchangeRates, buckets, onProgress: opts.onProgress,
    unservedWeight: unservedWeights(stats),
  }, { split: opts.split, heldBytes: streamedBytes, workerBytes: streamedRunBytes({ ...shape, traces: 0, traceSamples: 0 }), clock, medians: Float64Array.from(stats, (s) => s.demand.median) }, peaks);
  const result = replayed.result;
  const failover = replayed.failover!;
  clock('replay'); // waiting for a split replay's worker, and putting the parts together
  const whole = wholeDemandOnce(plan, steps, streamedBytes, source);
  return {
    plan, steps, stats, result, failover, warnings: warningsOf(plan, source),
    get baseDemand() {
      return whole().base;
    },
    get demand() {
      return whole().demand;
    },
  };
}

/**
 * One simulation run, start to end: plan (scenario, placement, horizon), demand per workload
 * (traffic.ts, growth, optional Monte Carlo noise), replay (replay.ts), N-1 check (failover.ts),
 * and the report (report.ts). The CLI, the extension's worker and the tests call this.
 */
import { Analysis } from '../lint/lint';
import { failoverCheck, FailoverResult } from './failover';
import { replay, ReplayResult } from './replay';
import { planRun, RunPlan } from './scenario-plan';
import { performance } from 'perf_hooks';
import { TraceCache } from '../traffic/trace-file';
import { baseDemand, growthSeries, stepCount, TrafficWarning } from '../traffic/traffic';
import { MAX_CELLS, MAX_STEPS } from '../model/limits';
import { placementWithShares } from '../model/model';

export interface SimulationOptions {
  scenario?: string;
  buckets?: number;
  onProgress?: (fraction: number) => void;
  traces?: TraceCache;
  /** Replace some workloads' shares (a recommended placement) before replaying. */
  shares?: Record<string, Record<string, number>>;
  /** Filled with the seconds each phase took (plan, demand, replay, failover). */
  timings?: Record<string, number>;
}

export interface Simulation {
  plan: RunPlan;
  steps: number;
  /** Base demand per workload (before growth), the classification's input. */
  baseDemand: Float64Array[];
  /** Demand per workload as replayed (growth applied). */
  demand: Float64Array[];
  result: ReplayResult;
  failover: FailoverResult[];
  warnings: { workload: string; warnings: TrafficWarning[] }[];
}

const defaultTraces = new TraceCache();

export class SimulationLimitError extends Error {}

export function buildDemand(plan: RunPlan, steps: number): { base: Float64Array[]; demand: Float64Array[]; warnings: Simulation['warnings'] } {
  const base: Float64Array[] = [];
  const demand: Float64Array[] = [];
  const warnings: Simulation['warnings'] = [];
  const growth = growthSeries(plan.scenario.growthPerMonth, plan.horizon, steps);
  for (const w of plan.workloads) {
    const b = baseDemand({ workload: w, series: plan.traces.get(w.name) }, plan.horizon, steps);
    base.push(b.demand);
    if (b.warnings.length) warnings.push({ workload: w.name, warnings: b.warnings });
    if (growth) {
      const g = new Float64Array(steps);
      for (let i = 0; i < steps; i++) g[i] = b.demand[i] * growth[i];
      demand.push(g);
    } else demand.push(b.demand);
  }
  return { base, demand, warnings };
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

export function peaksOf(demand: readonly Float64Array[]): Float64Array {
  return Float64Array.from(demand.map((d) => d.reduce((m, v) => (v > m ? v : m), 0)));
}

export function simulate(analysis: Analysis, opts: SimulationOptions = {}): Simulation {
  const clock = phaseClock(opts.timings);
  const planned = planRun(analysis.model, opts.scenario, opts.traces ?? analysis.traces ?? defaultTraces);
  clock('plan');
  const plan = opts.shares ? { ...planned, placement: placementWithShares(planned.placement, opts.shares) } : planned;
  const steps = stepCount(plan.horizon);
  const cells = steps * (plan.workloads.length * 2);
  if (steps > MAX_STEPS || cells > MAX_CELLS) throw new SimulationLimitError(`the run needs ${steps.toLocaleString('en-US')} steps for ${plan.workloads.length} workloads; limits are ${MAX_STEPS.toLocaleString('en-US')} steps and ${MAX_CELLS.toLocaleString('en-US')} series values`);
  const { base, demand, warnings } = buildDemand(plan, steps);
  clock('demand');
  const result = replay({
    model: analysis.model, placement: plan.placement, horizon: plan.horizon, steps, workloads: plan.workloads, demand,
    events: plan.scenario.events, exchangeRates: plan.exchangeRates, buckets: opts.buckets ?? 480, onProgress: opts.onProgress,
  });
  clock('replay');
  const failover = failoverCheck(analysis.model, plan.placement, plan.workloads, peaksOf(demand), plan.scenario.events);
  clock('failover');
  return { plan, steps, baseDemand: base, demand, result, failover, warnings };
}

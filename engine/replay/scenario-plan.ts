/**
 * Which scenario, placement and horizon a run uses (cli-and-report.md): `--scenario NAME`, else
 * the only Scenario, else the one named `default`, else the first by name; with none, the
 * format's default week at 5-minute steps from the first trace timestamp (2027-01-01 for
 * synthetic traffic). The placement is the scenario's, else the only one, else `current`.
 */
import { Diagnostic } from '../lint/diagnostics';
import { DEFAULT_HORIZON_SECONDS, DEFAULT_STEP_SECONDS, DEFAULT_SYNTHETIC_START, Horizon, Model, Placement, Scenario, Workload } from '../model/model';
import { passReader, TraceCache, TraceSeries, toSeries } from '../traffic/trace-file';
import type { TraceStore } from '../traffic/trace-store';
import { RealPaths, resolveTracePath } from '../lint/rules/trace-files';
import { stepCount, traceCovers } from '../traffic/traffic';
import type { ResamplePlan, ResampleSpec } from '../traffic/resample-ahead';
import { nearest } from '../model/suggest';

export class PlanError extends Error {
  constructor(message: string, readonly diagnostics: Diagnostic[] = []) {
    super(message);
  }
}

export interface RunPlan {
  scenario: Scenario;
  placement: Placement;
  horizon: Horizon;
  workloads: Workload[];
  traces: Map<string, TraceSeries>;
  exchangeRates: Record<string, number>;
  /** The trace store the traces were read through, which also keeps their resampled series. */
  store?: TraceStore;
}

export function pickScenario(model: Model, name?: string): Scenario | undefined {
  const all = [...model.scenarios.values()];
  if (name !== undefined) {
    const s = model.scenarios.get(name);
    if (!s) {
      const guess = nearest(name, model.scenarios.keys());
      throw new PlanError(`no Scenario named "${name}"${guess ? `; did you mean "${guess}"?` : ''} (scenarios: ${all.map((x) => x.name).join(', ') || 'none'})`);
    }
    return s;
  }
  if (all.length === 1) return all[0];
  return model.scenarios.get('default') ?? all[0];
}

/** The scenario's placement, else the only one, else the one named current, else the first. */
export function pickPlacement(model: Model, scenario: Scenario | undefined): Placement | undefined {
  if (scenario?.placement) return model.placements.get(scenario.placement);
  if (model.placements.size === 1) return [...model.placements.values()][0];
  return model.placements.get('current') ?? [...model.placements.values()][0];
}

export function planRun(model: Model, scenarioName: string | undefined, traces: TraceCache): RunPlan {
  const picked = pickScenario(model, scenarioName);
  const placement = pickPlacement(model, picked);
  if (!placement) throw new PlanError('there is no Placement to simulate: add a Placement document that gives each workload its shares');
  const workloads = [...placement.workloads.keys()].sort().map((n) => model.workloads.get(n)).filter((w): w is Workload => !!w);
  for (const w of workloads) {
    const wp = placement.workloads.get(w.name)!;
    for (const s of [...wp.shares.keys(), ...(wp.overflowTo ? [wp.overflowTo] : [])]) {
      if (!model.sites.has(s)) throw new PlanError(`Placement ${placement.name} puts ${w.name} on site ${s}, which is not a valid Site (run headroom lint)`);
    }
  }
  if (workloads.length === 0) throw new PlanError(`Placement ${placement.name} places no known workload`);

  const series = new Map<string, TraceSeries>();
  const diagnostics: Diagnostic[] = [];
  const realPaths = new RealPaths();
  const read = passReader(traces);
  for (const w of workloads) {
    if (w.traffic.kind !== 'trace') continue;
    const r = resolveTracePath(w, model.roots, realPaths);
    if (!r.ok) throw new PlanError(r.message);
    const got = read(r.abs);
    if (!got.ok || got.parsed.problems.length) throw new PlanError(`trace of ${w.name} cannot be used`);
    series.set(w.name, toSeries(got.parsed, w.traffic.timezone));
  }
  const scenario: Scenario = picked ?? { name: 'default', growthPerMonth: 0, exchangeRates: {}, events: [] };
  let horizon = scenario.horizon;
  if (!horizon) {
    let start = Infinity;
    for (const s of series.values()) start = Math.min(start, s.times[0]);
    start = Number.isFinite(start) ? Math.floor(start / DEFAULT_STEP_SECONDS) * DEFAULT_STEP_SECONDS : DEFAULT_SYNTHETIC_START;
    horizon = { start, end: start + DEFAULT_HORIZON_SECONDS, step: DEFAULT_STEP_SECONDS };
  }
  for (const w of workloads) {
    if (w.traffic.kind !== 'trace' || w.traffic.extend !== 'error') continue;
    const s = series.get(w.name)!;
    if (!traceCovers(s.times, horizon)) {
      diagnostics.push({
        file: w.src.file, range: w.src.rangeOf(['spec', 'traffic', 'extend']), severity: 'error', rule: 'trace-too-short',
        message: `trace of ${w.name} covers ${((s.times[s.times.length - 1] - s.times[0]) / 86400).toFixed(1)} days but scenario ${scenario.name} runs ${((horizon.end - horizon.start) / 86400).toFixed(1)} days, and extend is "error"`,
      });
    }
  }
  if (diagnostics.length) throw new PlanError('traces do not cover the horizon', diagnostics);
  return { scenario, placement, horizon, workloads, traces: series, exchangeRates: { ...model.settings.exchangeRates, ...scenario.exchangeRates }, store: traces.store };
}

/**
 * The placement, horizon and steps the run of `scenarioName` will use, when the model alone tells
 * them: for work started before the traces are read (resamplePlan; split-replay.ts, likelySplit).
 * Undefined when the scenario names no valid horizon (the default one starts at the first trace
 * time), there is no placement, or the name is unknown (planRun reports that).
 */
export function plannedRun(model: Model, scenarioName?: string): { placement: Placement; horizon: Horizon; steps: number } | undefined {
  let scenario: Scenario | undefined;
  try {
    scenario = pickScenario(model, scenarioName);
  } catch {
    return undefined;
  }
  const placement = pickPlacement(model, scenario);
  const horizon = scenario?.horizon;
  if (!placement || !horizon || !(horizon.step > 0) || !(horizon.end > horizon.start)) return undefined;
  return { placement, horizon, steps: stepCount(horizon) };
}

/**
 * How the run of `scenarioName` will read its trace files, known from the model alone (plannedRun),
 * so that the trace workers can resample them as they parse them (resample-ahead.ts).
 */
export function resamplePlan(model: Model, scenarioName?: string): ResamplePlan | undefined {
  const run = plannedRun(model, scenarioName);
  if (!run) return undefined;
  const specs = new Map<string, ResampleSpec[]>();
  const realPaths = new RealPaths();
  for (const name of run.placement.workloads.keys()) {
    const w = model.workloads.get(name);
    if (w?.traffic.kind !== 'trace') continue;
    const r = resolveTracePath(w, model.roots, realPaths);
    if (!r.ok) continue;
    const list = specs.get(r.abs) ?? [];
    const { timezone, extend } = w.traffic;
    if (!list.some((s) => s.timezone === timezone && s.extend === extend)) list.push({ timezone, extend });
    specs.set(r.abs, list);
  }
  return { horizon: run.horizon, steps: run.steps, specs };
}

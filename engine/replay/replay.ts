/**
 * The time-stepped replay (format.md, "Replay semantics"), per step t of Δ seconds:
 *
 *   D = d(t) × p_s / 100 (+ overflow sent to s, + the share of a lost site, redistributed)
 *   n = ceil(D / (capacityPerInstance × targetUtilization)), at least minInstances where p_s > 0
 *   openstack: r = min(n, what Nova packing fits), contention by priority then in proportion to need
 *   public:    r(t) = n(t − k), k = ceil(scaleOutDelaySeconds / Δ), capped by quota.vcpus
 *   served = min(D, r × capacityPerInstance); unserved = D − served; utilization = D / (r × capacity)
 *
 * Sites are settled in overflow order (a site before the sites it overflows to). Outages make a
 * site (or a zone's aggregates) unavailable from their start step; the lost share is unserved
 * for the first detectionSeconds (a fraction detectionSeconds / Δ of the first step, spilling
 * over), then redistributed to the workload's other sites in proportion to their shares.
 *
 * The phases, one module each: the pairs (pair-plan.ts); the scenario's events as step windows
 * (event-windows.ts); what the run holds (replay-state.ts: per-pair constants, site state,
 * scratch, outputs); then per step: the change points (applyChanges), demand read in chunks
 * (demand-chunks.ts: noise, growth), the redistribution around outages
 * (outage-redistribution.ts), each site in overflow order (settle-openstack.ts: pack, contend,
 * settle; settle-public.ts: autoscaling lag, quota, costs; both through settle-pair.ts, which
 * also counts each workload's SLO violation once per step; each in one pass where what runs is
 * known before the step: openStackBound at each chunk of demand and change point, the lagged
 * totals of settle-public.ts), then the demand lost to an outage
 * and the demand series here, and the month and bucket series (replay-series.ts).
 * Nothing is allocated in the loop except on contention steps (allocation.ts). A Replayer holds
 * the state and steppers for repeated replays of one size (Monte Carlo runs, a thread's next
 * replay()), so that each runs as fast as a process's first (settle-pair.ts says why).
 */
import { CalendarMonth } from '../traffic/calendar-months';
import { Horizon, Model, Placement, ScenarioEvent, Site, Workload } from '../model/model';
import type { Rng } from './rng';
import { planPairs } from './pair-plan';
import { eventWindows } from './event-windows';
import { CHUNK_STEPS, DemandChunks } from './demand-chunks';
import { OutageContext, redistributeAroundOutage } from './outage-redistribution';
import { ArrayDemand, DemandSource } from '../traffic/demand-stream';
import { applyChanges, BUCKET, bucketSteps, violationWords, createReplayState, EPS, MONTH, PairTally, ReplayState, resetForRun } from './replay-state';
import { EventWindows } from './event-windows';
import { rateFor } from '../capacity/pricing';
import { openStackBound, openStackStepper, SiteStep } from './settle-openstack';
import { publicStepper } from './settle-public';
import { closeMonth, flushBucket } from './replay-series';
import { markViolation } from './settle-pair';

export interface ReplayInput {
  model: Model;
  placement: Placement;
  horizon: Horizon;
  steps: number;
  /** Placed workloads, in name order. */
  workloads: Workload[];
  /** Demand per workload (same order), growth applied: whole arrays or a stream (traffic/demand-stream.ts). */
  demand: readonly Float64Array[] | DemandSource;
  events: readonly ScenarioEvent[];
  /** Exchange rates in force (Settings, overridden by the Scenario). */
  exchangeRates: Record<string, number>;
  /** Number of chart buckets (0: no series). */
  buckets?: number;
  /**
   * Monte Carlo (format.md, "Monte Carlo"): demand d(t) is read as
   * d(t) × level[w] × exp(growthK · t·Δ) × max(0, 1 + sigma·e_w(t)), e_w AR(1) with coefficient
   * rho (e(0) = z(0), e(t) = ρ·e(t−1) + sqrt(1−ρ²)·z(t)), z drawn from rng in a fixed order
   * (chunks of steps, workload by workload); priceFactor multiplies each site's on-demand and
   * spot prices (not committed ones).
   */
  noise?: { sigma: number; rng: Rng; rho?: number; level?: Float64Array; growthK?: number; priceFactor?: Record<string, number> };
  /**
   * Per workload, the weight of its unserved rate in the result's stepShortfall (simulate.ts: 1 /
   * its peak demand, so that the sum over workloads of different units means something); absent:
   * no shortfall series (all 0).
   */
  unservedWeight?: Float64Array;
  /** Record which workloads violate the SLO at which step (the tally's violationBits: split-replay.ts). */
  violationBits?: boolean;
  /** Keep per-step site utilization and instance-type usage (false for Monte Carlo runs). */
  perStep?: boolean;
  onProgress?: (done: number) => void;
  /**
   * Settle a site's step in one pass where what runs is known before it (settle-openstack.ts,
   * openStackBound; settle-public.ts, settleLagged); false: in two passes throughout. The same
   * numbers either way (test/one-pass.test.ts compares them).
   */
  onePass?: boolean;
}

export interface PairInfo {
  workload: number;
  site: number;
  share: number;
  role: 'share' | 'overflow' | 'passive';
}

/**
 * Per resource (RESOURCES order), max per bucket: schedulable capacity up, allocated, and what
 * the instances needed would take. Empty arrays for a resource the site is not counted in.
 */
export interface SiteSeries {
  capacity: Float64Array[];
  allocated: Float64Array[];
  needed: Float64Array[];
}

/**
 * The resources a site's capacity is counted in (format.md, "Every resource counts";
 * model/resource-classes.ts): an OpenStack site in vCPU and memory, disk where hosts have
 * schedulable disk, PCPU, vGPU and PCI devices where hosts have them or flavors ask for them; a
 * public site in vCPU against its quota. How instances of mixed flavors pack onto hosts is not
 * a resource of its own: the packer (nova-capacity.ts) decides what runs, and what does not fit
 * is unserved.
 */
export { RESOURCES } from '../model/resource-classes';
export type { ResourceKey } from '../model/resource-classes';

export interface ReplayResult {
  steps: number;
  sites: Site[];
  pairs: PairInfo[];
  /** Per pair. */
  pairPeakInstances: Float64Array;
  pairPeakUtilization: Float64Array;
  pairCost: Float64Array;
  pairServed: Float64Array;
  pairUnserved: Float64Array;
  /** Per workload. */
  workloadUnserved: Float64Array;
  workloadViolations: Float64Array;
  workloadCost: Float64Array;
  /** Per site. */
  siteCost: Float64Array;
  siteIdleCost: Float64Array;
  /** The resources each site is counted in (indices into RESOURCES). */
  siteResources: number[][];
  /** Per site and resource (RESOURCES order): peak allocated / schedulable capacity up. */
  sitePeakAlloc: Float64Array[];
  /**
   * Per site and resource: the peak allocated amount in its own unit (vCPU, MiB, GiB). Not
   * sitePeakAlloc × the configured capacity: the capacity up changes with outages and addHosts.
   */
  sitePeakAllocAbs: Float64Array[];
  /** Per site and resource: peak needed / installed schedulable capacity (above 1: demand that cannot fit), and its step. */
  sitePeakNeed: Float64Array[];
  sitePeakNeedStep: Int32Array[];
  /** Per site and resource: the first step whose need passes 1 − headroomTarget of the installed capacity (−1: none). */
  siteNeedCrossStep: Int32Array[];
  /** Per site and resource: the peak need in its own unit (vCPU, MiB, GiB). */
  sitePeakNeedAbs: Float64Array[];
  /** Per site, resource and calendar month: the peak need in its own unit. */
  siteNeedMonthPeak: Float64Array[][];
  /** Per site and resource, per step (perStep): allocated / schedulable capacity up; empty for a resource the site is not counted in (siteResources). */
  siteUtil: Float64Array[][];
  /** Per public site, per instance type (site order), running non-spot instances per step. */
  publicTypeRunning: Map<string, Map<string, Float64Array>>;
  /** Per step: total unserved (rate, added across units) and number of workloads in violation. */
  stepUnserved: Float64Array;
  /** Per step: Σ over workloads of unserved rate × input.unservedWeight (with 1 / peak: unserved as a share of each workload's peak, summed; no unit). */
  stepShortfall: Float64Array;
  /** With input.violationBits, which workloads violate at which step (replay-state.ts, PairTally); else empty. */
  violationBits: Uint32Array;
  stepViolations: Uint16Array;
  sloViolationSteps: number;
  /** Cost per site and per workload per calendar month (reporting currency), in `months` order. */
  siteMonthCost: Float64Array[];
  workloadMonthCost: Float64Array[];
  pairMonthCost: Float64Array[];
  months: CalendarMonth[];
  /** Bucketed series for charts (max per bucket for capacity lines, mean for stacks). */
  bucketSize: number;
  siteSeries: SiteSeries[];
  pairRunningVcpus: Float64Array[];
  workloadDemandMax: Float64Array[];
  workloadDemandMean: Float64Array[];
  workloadUnservedSeries: Float64Array[];
}

/** This thread's Replayer from its last replay(), refilled for the next one of the same size. */
let kept: Replayer | undefined;
let keptBusy = false;

/**
 * One replay. The Replayer of the thread's previous replay is refilled for it when the sizes
 * match (a recommendation's second simulation, the editor worker's next one), so it runs at the
 * speed of a first replay (settle-pair.ts); each refill makes a new result object, so the
 * result returned here is the caller's.
 */
export function replay(input: ReplayInput): ReplayResult {
  if (keptBusy) return new Replayer(input).run(input); // a replay started from a progress callback of another
  if (!kept || !kept.refill(input)) kept = new Replayer(input);
  keptBusy = true;
  try {
    return kept.run(input);
  } finally {
    keptBusy = false;
  }
}

/** What may change from one run of a Replayer to the next. */
export type ReplayRun = Pick<ReplayInput, 'demand' | 'events' | 'exchangeRates' | 'noise' | 'onProgress' | 'onePass'>;

/**
 * A replay of fixed workloads, sites, placement, horizon and series, run any number of times
 * with other events, exchange rates, noise or demand (Monte Carlo runs on one worker). The state,
 * its arrays and the site steppers are made once and reset per run, so every run gets the
 * speed of a process's first replay (settle-pair.ts: V8 folds the steppers' captured arrays into
 * constants while one set of them exists). Each run's result is the same object, overwritten
 * by the next run.
 */
export class Replayer {
  private plan: ReturnType<typeof planPairs>;
  private readonly st: ReplayState;
  private order: number[];
  private readonly stepOpenStack: SiteStep;
  private readonly stepPublic: SiteStep;
  private runs = 0;

  constructor(private shape: ReplayInput) {
    const { model, placement, workloads } = shape;
    // ---- phase 1, the pairs: which workload runs on which site, numbered site by site ----
    this.plan = planPairs(model, placement, workloads);
    // ---- phase 3, what the run holds: per-pair constants, site state, scratch, outputs ----
    this.st = createReplayState(shape, this.plan);
    this.order = overflowOrder(this.plan.sites, this.plan.pairs, this.plan.overflowTarget);
    this.stepOpenStack = openStackStepper(this.st);
    this.stepPublic = publicStepper(this.st);
  }

  /**
   * Takes another replay of the same size (pairs, workloads, steps, step length, chart buckets):
   * its state is built and copied into this one's arrays, so the steppers made for this one
   * serve it; false when a size differs. Results of earlier runs are overwritten.
   */
  refill(input: ReplayInput): boolean {
    const plan = planPairs(input.model, input.placement, input.workloads);
    const { st } = this;
    if (plan.pairs.length !== st.P || input.workloads.length !== st.W || input.steps !== this.shape.steps || input.horizon.step !== st.dt || bucketSteps(input) !== st.B || violationWords(input) !== st.tally.violationBits.length) return false;
    this.shape = input;
    this.plan = plan;
    refillInPlace(st as unknown as Record<string, unknown>, createReplayState(input, plan) as unknown as Record<string, unknown>);
    this.order = overflowOrder(plan.sites, plan.pairs, plan.overflowTarget);
    this.runs = 0;
    return true;
  }

  /** Site-steps the last run settled in one pass, OpenStack and public (the tests' view of which path ran). */
  get onePassSteps(): { openstack: number; public: number } {
    return { openstack: this.st.onePassSteps[0], public: this.st.onePassSteps[1] };
  }

  /** Phase 2, the scenario's events as step windows: outages (with detection), host additions, prices. */
  private windowsOf(events: readonly ScenarioEvent[]): EventWindows {
    const { horizon: h, steps, placement } = this.shape;
    return eventWindows(this.plan.sites, this.plan.siteIndex, events, h, steps, placement.detectionSeconds);
  }

  run(input: ReplayRun): ReplayResult {
    const { st, plan, order, stepOpenStack, stepPublic } = this;
    const { placement, steps, model } = this.shape;
    const { demand } = input;
    const { sites, pairs, wPairs } = plan;
    const windows = this.windowsOf(input.events);
    if (this.runs++ > 0) resetForRun(st);
    st.onePass[0] = input.onePass === false ? 0 : 1;
    st.zoneLoss = windows.zoneLoss;
    sites.forEach((site, s) => { st.rate[s] = rateFor(site.currency, model.settings.reportingCurrency, input.exchangeRates); });
    const { res, W, P, B, dt, isPublic, siteDown, lostUnserved, wUnservedAcc, wDemandMaxAcc, wDemandSumAcc, cursor, shortWeight } = st;
    const { workloadUnserved, stepUnserved, stepShortfall } = st.tally;
    const S = sites.length;
    // demand, read in chunks of steps, step-major (demand-chunks.ts)
    const chunks = new DemandChunks(Array.isArray(demand) ? new ArrayDemand(demand) : (demand as DemandSource), steps, dt, input.noise, st.demandRows);
    const dChunk = chunks.rows;
    // the steppers read the chunk as st.demandRows, which has room for every workload's column
    if (dChunk !== st.demandRows) throw new Error(`internal: the demand chunk (${chunks.columns.length} workloads) is not in the replay's demandRows (${st.demandRows.length / CHUNK_STEPS} columns)`);
    // workload w's demand at dChunk[row + wcol[w]]; pair p's at dChunk[row + st.pcol[p]]
    const wcol = chunks.columns;
    for (let p = 0; p < P; p++) st.pcol[p] = wcol[st.pw[p]];
    const outageCtx: OutageContext = { pairs, wPairs, activePassive: placement.mode === 'active-passive', siteDown, siteDet: windows.siteDet, lostUnserved, D: st.D };
    const calendar = res.months;
    const months = calendar.length;
    const changes = windows.changes;
    let nextChange = 0;
    let anyDown = false;
    let nextMonthStep = months > 1 ? calendar[1].startStep : steps;
    const progressEvery = Math.max(1, Math.floor(steps / 100));
    const overflows = st.overflowTarget.some((x) => x >= 0); // else overflowIn stays 0

    // One step, a function of its own: called once per step, V8 compiles it once it is hot; a
    // loop body runs compiled only by on-stack replacement, which a split replay turns off
    // (without-osr.ts), and in V8's baseline code each property read of it is an inline cache's call.
    const stepAt = (t: number): void => {
      let changed = false;
      if (nextChange < changes.length && changes[nextChange] === t) {
        changed = true;
        applyChanges(st, windows, t, input.noise?.priceFactor);
        nextChange++;
        anyDown = false;
        for (let s = 0; s < S; s++) if (siteDown[s]) anyDown = true;
      }
      if (t >= nextMonthStep && cursor[MONTH] < months - 1) {
        closeMonth(st, cursor[MONTH]);
        const m = ++cursor[MONTH];
        nextMonthStep = m + 1 < months ? calendar[m + 1].startStep : steps;
      }
      if (B && t > 0 && t % B === 0) {
        flushBucket(st, cursor[BUCKET], B);
        cursor[BUCKET]++;
      }
      const row = chunks.rowOf(t);
      // at a new chunk of demand or new capacity: which OpenStack sites need no packing until the next one
      if (row === 0 || changed) for (let s = 0; s < S; s++) st.boundFits[s] = st.onePass[0] === 1 && !isPublic[s] && openStackBound(st, s, chunks.columnMax) ? 1 : 0;

      // 1. with a site down, the outage redistribution (otherwise shares are applied per site below)
      if (anyDown) for (let w = 0; w < W; w++) redistributeAroundOutage(outageCtx, w, dChunk[row + wcol[w]], t);
      if (overflows) st.overflowIn.fill(0);

      // 2. sites, in overflow order: instances needed, what runs, then settle
      for (let oi = 0; oi < S; oi++) {
        const s = order[oi];
        if (isPublic[s]) stepPublic(s, t, row, anyDown);
        else stepOpenStack(s, t, row, anyDown);
      }

      // 3. workloads: unserved lost to an outage, the demand series; the step's violations
      if (anyDown) {
        for (let w = 0; w < W; w++) {
          if (lostUnserved[w] > EPS) {
            workloadUnserved[w] += lostUnserved[w] * dt;
            stepUnserved[t] += lostUnserved[w];
            stepShortfall[t] += lostUnserved[w] * shortWeight[w];
            wUnservedAcc[w] += lostUnserved[w] * dt;
            markViolation(st, w, t);
          }
          lostUnserved[w] = 0;
        }
      }
      if (B) {
        for (let w = 0; w < W; w++) {
          const d = dChunk[row + wcol[w]];
          if (d > wDemandMaxAcc[w]) wDemandMaxAcc[w] = d;
          wDemandSumAcc[w] += d;
        }
      }
      const stepViol = st.violCount[0];
      st.violCount[0] = 0;
      res.stepViolations[t] = stepViol;
      if (stepViol > 0) res.sloViolationSteps++;
      if (input.onProgress && t % progressEvery === 0) input.onProgress(t / steps);
    };
    for (let t = 0; t < steps; t++) stepAt(t);
    closeMonth(st, cursor[MONTH]);
    if (B) flushBucket(st, cursor[BUCKET], steps - cursor[BUCKET] * B);
    // the tally settlePair kept (replay-state.ts) into the result
    const { tally } = st;
    for (const k of Object.keys(tally) as (keyof PairTally)[]) res[k].set(tally[k]);
    for (let p = 0; p < P; p++) {
      res.workloadCost[st.pw[p]] += res.pairCost[p];
      res.pairServed[p] *= dt;
    }
    return res;
  }
}

/** Sites ordered so that a site comes before every site it overflows to; ties by name. */
export function overflowOrder(sites: readonly Site[], pairs: readonly PairInfo[], overflowTarget: readonly number[]): number[] {
  const S = sites.length;
  const edges = sites.map(() => new Set<number>());
  const indeg = new Array<number>(S).fill(0);
  for (let p = 0; p < pairs.length; p++) {
    const t = overflowTarget[p];
    if (t < 0) continue;
    const from = pairs[p].site;
    const to = pairs[t].site;
    if (!edges[from].has(to)) {
      edges[from].add(to);
      indeg[to]++;
    }
  }
  const out: number[] = [];
  const ready = sites.map((_, i) => i).filter((i) => indeg[i] === 0);
  while (ready.length) {
    ready.sort((a, b) => (sites[a].name < sites[b].name ? -1 : 1));
    const s = ready.shift()!;
    out.push(s);
    for (const t of edges[s]) if (--indeg[t] === 0) ready.push(t);
  }
  if (out.length !== S) throw new Error('overflowTo forms a cycle (lint rule overflow-cycle)');
  return out;
}

/**
 * Copies `fresh` into `target`: a typed array into the one of the same kind and length there
 * (arrays the steppers captured keep their identity), the tally likewise, anything else assigned
 * (the result object is a new one).
 */
function refillInPlace(target: Record<string, unknown>, fresh: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(fresh)) {
    const old = target[k];
    if (ArrayBuffer.isView(v) && ArrayBuffer.isView(old) && old.constructor === v.constructor && (old as Float64Array).length === (v as Float64Array).length) (old as Float64Array).set(v as Float64Array);
    else if (k === 'tally' && old && typeof old === 'object') refillInPlace(old as Record<string, unknown>, v as Record<string, unknown>);
    else target[k] = v;
  }
}

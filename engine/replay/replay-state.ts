/**
 * What the replay holds while it runs (replay.ts; format.md, "Replay semantics"): per pair the
 * constants of its workload on its site (capacityPerInstance × targetUtilization, minInstances,
 * what one instance takes of each resource, its price), per site the capacity installed and up
 * after the scenario's change points, the per-step scratch, the accumulators of the bucket and
 * month being filled, and the outputs. Built once before the step loop; the settle phases
 * (settle-pair.ts, settle-openstack.ts, settle-public.ts) and the series (replay-series.ts) read
 * and write it and allocate nothing, except on contention steps.
 */
import { calendarMonths } from '../traffic/calendar-months';
import { LagBank } from '../capacity/autoscaling';
import { OpenStackSite, Site } from '../model/model';
import { FlavorPacker, hostSchedulable, resourceVector } from '../capacity/nova-capacity';
import { DEVICE_RESOURCES, flavorRequest, NR, R_DISK, R_PCPU, R_VCPU, RESOURCES } from '../model/resource-classes';
import { commitmentsByType, egressPerRequest, hostMonthly, rateFor } from '../capacity/pricing';
import { SECONDS_PER_HOUR, SECONDS_PER_MONTH } from '../model/time-constants';
import type { PairPlan } from './pair-plan';
import type { EventWindows } from './event-windows';
import type { PairInfo, ReplayInput, ReplayResult } from './replay';
import { CHUNK_STEPS } from './demand-chunks';

import { EPS } from '../capacity/instances-needed';

// the replay's tolerance, the one of the instances-needed ceiling
export { EPS };

/** Per pair (numbered site by site, pair-plan.ts), constant over the run. */
export interface PairConstants {
  /** The pair's workload. */
  pw: Int32Array;
  /** siteFirst[s] … siteFirst[s + 1] − 1: the pairs of site s. */
  siteFirst: Int32Array;
  sitePairs: number[][];
  overflowTarget: Int32Array;
  capacity: Float64Array;
  capEff: Float64Array;
  invCapEff: Float64Array;
  /** Utilization above which a step violates the SLO. */
  violateAt: Float64Array;
  minInst: Float64Array;
  /** The instance's vCPUs (guest CPUs; quota, showback, charts). */
  vcpus: Float64Array;
  /** What one instance takes, per resource (RESOURCES order), P × NR. */
  req: Float64Array;
  /** Its VCPU, memory and disk, contiguous for the hot loop. */
  reqV: Float64Array;
  reqM: Float64Array;
  reqD: Float64Array;
  priority: Float64Array;
  flavorIdx: Int32Array;
  typeIdx: Int32Array;
  /**
   * Public pairs: the slot of typeRunning, coverScratch and commitScratch the pair counts in, its
   * instance type's, or the site's last slot (never covered by a commitment) for spot and no type.
   */
  coverIdx: Int32Array;
  /** On-demand or spot, site currency per hour. */
  priceHourly: Float64Array;
  /** Site currency per request. */
  egressPerReq: Float64Array;
  /** Fraction of demand with every site up. */
  baseShare: Float64Array;
}

/** Per site: capacity, prices and public-cloud state; hosts, capUp, priceMult and privateStep change at change points. */
export interface SiteState {
  sites: Site[];
  packers: (FlavorPacker | undefined)[];
  isPublic: Uint8Array;
  receivesOverflow: Uint8Array;
  /** Site currency → reporting currency. */
  rate: number[];
  hosts: Float64Array[];
  installedHosts: Float64Array[];
  priceMult: Float64Array;
  siteDown: Uint8Array;
  /** Reporting currency per step. */
  privateStep: Float64Array;
  /** VCPU + PCPU installed: the showback base. */
  schedCpuInstalled: Float64Array;
  /** Schedulable capacity per resource (RESOURCES order), installed and up. */
  capInstalled: Float64Array[];
  capUp: Float64Array[];
  siteResources: number[][];
  siteHasDisk: Uint8Array;
  siteHasPcpu: Uint8Array;
  /** 1 where every pair of an OpenStack site has a flavor there: when all fits, each runs what it needs. */
  siteFlavored: Uint8Array;
  /** PCPU, vGPU and PCI resources a site is counted in. */
  siteDevices: Int32Array[];
  /** Per public site, its autoscaling lag's place in lagRing (autoscaling.ts). */
  lags: (LagBank | undefined)[];
  typeNames: string[][];
  commit: { count: Float64Array; hourly: Float64Array }[];
  quotaOf: Float64Array;
  zoneLoss: (Float64Array | undefined)[];
}

/** Rewritten every step. */
export interface StepScratch {
  /** Per pair: the column of its workload's demand in the run's demand rows (demand-chunks.ts, columns), set per run. */
  pcol: Int32Array;
  /** Demand share of each pair this step. */
  D: Float64Array;
  overflowIn: Float64Array;
  need: Float64Array;
  run: Float64Array;
  servedNow: Float64Array;
  lostUnserved: Float64Array;
  /** Per workload: the weight of its unserved rate in the tally's stepShortfall (input.unservedWeight, else 0). */
  shortWeight: Float64Array;
  /** Per workload: 1 + the last step it violated the SLO at (0: none yet), so nothing is reset per step. */
  violatedAt: Float64Array;
  /** [0]: workloads in violation at the current step. */
  violCount: Int32Array;
  /** Per resource: allocated and needed at the site being settled. */
  allocR: Float64Array;
  needR: Float64Array;
  /**
   * The site's step totals on their way to its record (a double passed to a call that is not
   * inlined would be boxed): at an OpenStack site [0] the CPUs its cost is shown back by; at a
   * public site its cost, the cost shown back, allocated and needed vCPUs.
   */
  stepTotals: Float64Array;
  /** [0]: 1 where steps may settle in one pass (ReplayInput.onePass), set per run. */
  onePass: Uint8Array;
  /** Site-steps settled in one pass this run: [0] OpenStack, [1] public. */
  onePassSteps: Float64Array;
  /** Per site: 1 where the rest of the demand chunk needs no packing (settle-openstack.ts, openStackBound), set by the replay at each chunk and change point. */
  boundFits: Uint8Array;
  flavorDemand: Float64Array[];
  placed: Float64Array[];
  /*
   * The arrays below hold every site's part end to end, at offsets per site, rather than one
   * array per site: one array the replay keeps from run to run is a constant to V8 in the site
   * steppers (settle-pair.ts), where an array taken per site, a value of the call, is checked
   * (map, length, where its data is) again on every pair of the loop that reads it (measured
   * with cachegrind: 5 such arrays and EPS read from the module made a public pair's step about
   * 60 instructions longer, of 260).
   */
  /** Every public site's autoscaling ring, at lags[s].base (autoscaling.ts). */
  lagRing: Float64Array;
  /**
   * Per public site with an autoscaling lag (k ≥ 1), from needSumsAt[s], per slot of its ring
   * (k + 1) of typeNames[s].length + 2 values: the step's needed vCPUs, then instances per type
   * slot, of the pairs with an instance type there, which is what runs k steps later
   * (settle-public.ts, settleLagged); needSumsAt[s] is −1 elsewhere.
   */
  needSums: Float64Array;
  needSumsAt: Int32Array;
  /**
   * Per public site and instance type: running non-spot instances (typeRunning[s]); from
   * slotAt[s] in coverScratch and commitScratch, the share a commitment covers and its cost per
   * covered instance; one slot more (coverIdx: spot and no type), never covered.
   */
  typeRunning: Float64Array[];
  slotAt: Int32Array;
  coverScratch: Float64Array;
  commitScratch: Float64Array;
  /** The replay's demand chunk (demand-chunks.ts: rows), room for every workload's column. */
  demandRows: Float64Array;
}

/**
 * What settlePair counts (settle-pair.ts), in the replay's own arrays: its closure captures them,
 * and a Replayer keeps them from run to run. Copied into the run's result at its end.
 */
export interface PairTally {
  pairServed: Float64Array;
  pairPeakInstances: Float64Array;
  pairPeakUtilization: Float64Array;
  pairUnserved: Float64Array;
  workloadUnserved: Float64Array;
  workloadViolations: Float64Array;
  stepUnserved: Float64Array;
  /** Unserved × shortWeight per step (replay.ts, ReplayResult.stepShortfall). */
  stepShortfall: Float64Array;
  /**
   * With input.violationBits: bit w of word t × ⌈W / 32⌉ + ⌊w / 32⌋ set when workload w violates
   * the SLO at step t (split-replay.ts merges two halves' violations with it); else empty.
   */
  violationBits: Uint32Array;
}

export interface ReplayState extends PairConstants, SiteState, StepScratch {
  tally: PairTally;
  W: number;
  P: number;
  dt: number;
  hours: number;
  /** Steps per chart bucket (0: no series). */
  B: number;
  perStep: boolean;
  needLimit: number;
  res: ReplayResult;
  siteUtilSeries: Float64Array[][];
  typeRunSeries: Float64Array[][];
  /** Accumulators of the current bucket and marks of the current month. */
  pairRunAcc: Float64Array;
  wDemandMaxAcc: Float64Array;
  wDemandSumAcc: Float64Array;
  wUnservedAcc: Float64Array;
  wCostMark: Float64Array;
  pCostMark: Float64Array;
  wPairs: number[][];
  /**
   * The month and the chart bucket being filled, at MONTH and BUCKET: in a typed array, because V8
   * compiles a field that has not been written since the object was made as a constant, and the
   * first new month would throw away the compiled settle functions that read it.
   */
  cursor: Int32Array;
}

/** Where in ReplayState.cursor the month being filled is, and the chart bucket. */
export const MONTH = 0;
export const BUCKET = 1;

function pairConstants(input: ReplayInput, plan: PairPlan, packers: (FlavorPacker | undefined)[]): PairConstants {
  const { placement, workloads } = input;
  const { sites, pairs } = plan;
  const activePassive = placement.mode === 'active-passive';
  const S = sites.length;
  const P = pairs.length;
  const F = () => new Float64Array(P);
  const c: PairConstants = {
    pw: Int32Array.from(pairs, (x) => x.workload), siteFirst: new Int32Array(S + 1), sitePairs: sites.map(() => []), overflowTarget: Int32Array.from(plan.overflowTarget),
    capacity: F(), capEff: F(), invCapEff: F(), violateAt: F(), minInst: F(), vcpus: F(), req: new Float64Array(P * NR), reqV: F(), reqM: F(), reqD: F(), priority: F(),
    flavorIdx: new Int32Array(P).fill(-1), typeIdx: new Int32Array(P).fill(-1), coverIdx: new Int32Array(P), priceHourly: F(), egressPerReq: F(), baseShare: F(),
  };
  for (const pr of pairs) c.siteFirst[pr.site + 1]++;
  for (let i = 0; i < S; i++) c.siteFirst[i + 1] += c.siteFirst[i];
  for (let p = 0; p < P; p++) {
    const { workload: w, site: s, share, role } = pairs[p];
    const wl = workloads[w];
    const site = sites[s];
    const wp = placement.workloads.get(wl.name)!;
    c.sitePairs[s].push(p);
    c.capacity[p] = wl.capacityPerInstance;
    c.capEff[p] = wl.capacityPerInstance * wl.targetUtilization;
    c.invCapEff[p] = 1 / c.capEff[p];
    c.violateAt[p] = wl.targetUtilization + EPS;
    c.minInst[p] = pairMinInstances(pairs[p], wl.minInstances, activePassive);
    c.priority[p] = wl.priority;
    c.baseShare[p] = activePassive ? (role === 'share' ? 1 : 0) : share / 100;
    if (site.type === 'openstack') {
      const packer = packers[s]!;
      c.flavorIdx[p] = packer.indexOf(wl.flavor ?? '');
      const f = packer.flavors[c.flavorIdx[p]];
      c.vcpus[p] = f?.vcpus ?? 0;
      if (f) c.req.set(resourceVector(flavorRequest(f)), p * NR);
    } else {
      c.typeIdx[p] = site.instanceTypes.findIndex((t) => t.name === wl.instanceType);
      const it = site.instanceTypes[c.typeIdx[p]];
      c.vcpus[p] = it?.vcpus ?? 0;
      c.req[p * NR] = c.vcpus[p];
      c.req[p * NR + 1] = it?.memoryMiB ?? 0;
      const spot = wp.purchase === 'spot';
      c.coverIdx[p] = spot || c.typeIdx[p] < 0 ? site.instanceTypes.length : c.typeIdx[p];
      c.priceHourly[p] = it ? (spot ? it.pricing.spotHourly ?? it.pricing.onDemandHourly : it.pricing.onDemandHourly) : 0;
      c.egressPerReq[p] = egressPerRequest(site, wl.egressGiBPerMillionRequests, wl.unit);
    }
  }
  for (let p = 0; p < P; p++) {
    c.reqV[p] = c.req[p * NR];
    c.reqM[p] = c.req[p * NR + 1];
    c.reqD[p] = c.req[p * NR + 2];
  }
  return c;
}

/** A pair's minInstances: none for an overflow pair or, active-active, a share of 0 (its workload's elsewhere). */
export function pairMinInstances(pair: Pick<PairInfo, 'role' | 'share'>, minInstances: number, activePassive: boolean): number {
  return pair.role === 'overflow' || (pair.role === 'share' && pair.share <= 0 && !activePassive) ? 0 : minInstances;
}

/**
 * The resources a site's capacity is counted in (format.md, "Every resource counts";
 * model/resource-classes.ts): an OpenStack site in vCPU and memory, disk where hosts have
 * schedulable disk, PCPU, vGPU and PCI devices where hosts have them or one of its placed
 * flavors asks for them; a public site in vCPU against its quota.
 */
function countedResources(sites: readonly Site[], c: PairConstants): number[][] {
  return sites.map((site, s) => {
    if (site.type !== 'openstack') return site.quota.vcpus !== undefined ? [0] : [];
    return openStackResources(site, (r) => c.sitePairs[s].some((p) => c.req[p * NR + r] > 0));
  });
}

/** countedResources of an OpenStack site; `asked(r)`: whether one of its placed flavors asks for resource r. */
export function openStackResources(site: OpenStackSite, asked: (r: number) => boolean): number[] {
  const out = [0, 1];
  for (let r = 2; r < NR; r++) {
    const key = RESOURCES[r];
    const has = site.aggregates.some((g) => g.hosts > 0 && hostSchedulable(g)[key] > 0);
    if (has || (key !== 'diskGiB' && (DEVICE_RESOURCES as readonly string[]).includes(key) && asked(r))) out.push(r);
  }
  return out;
}

function siteState(input: ReplayInput, plan: PairPlan, c: PairConstants, packers: (FlavorPacker | undefined)[]): SiteState {
  const { sites, pairs } = plan;
  const S = sites.length;
  const siteResources = countedResources(sites, c);
  const typeNames = sites.map((s) => (s.type === 'public' ? s.instanceTypes.map((t) => t.name) : []));
  const receivesOverflow = new Uint8Array(S);
  for (let p = 0; p < pairs.length; p++) if (c.overflowTarget[p] >= 0) receivesOverflow[pairs[c.overflowTarget[p]].site] = 1;
  const quotaOf = Float64Array.from(sites, (x) => (x.type === 'public' && x.quota.vcpus !== undefined ? x.quota.vcpus : Infinity));
  const capInstalled = sites.map(() => new Float64Array(NR));
  sites.forEach((x, i) => { if (x.type === 'public') capInstalled[i][0] = quotaOf[i]; });
  return {
    sites, packers,
    isPublic: Uint8Array.from(sites, (x) => (x.type === 'public' ? 1 : 0)),
    receivesOverflow,
    rate: sites.map((s) => rateFor(s.currency, input.model.settings.reportingCurrency, input.exchangeRates)),
    hosts: sites.map((s) => new Float64Array(s.type === 'openstack' ? s.aggregates.length : 0)),
    installedHosts: sites.map((s) => new Float64Array(s.type === 'openstack' ? s.aggregates.length : 0)),
    priceMult: new Float64Array(S).fill(1),
    siteDown: new Uint8Array(S),
    privateStep: new Float64Array(S),
    schedCpuInstalled: new Float64Array(S),
    capInstalled,
    capUp: sites.map(() => new Float64Array(NR)),
    siteResources,
    siteHasDisk: Uint8Array.from(siteResources, (list) => (list.includes(R_DISK) ? 1 : 0)),
    siteHasPcpu: Uint8Array.from(siteResources, (list) => (list.includes(R_PCPU) ? 1 : 0)),
    siteFlavored: Uint8Array.from(sites, (x, i) => (x.type === 'openstack' && c.sitePairs[i].every((p) => c.flavorIdx[p] >= 0) ? 1 : 0)),
    siteDevices: siteResources.map((list) => Int32Array.from(list.filter((r) => r >= R_PCPU))),
    lags: lagBanks(sites, c.sitePairs, input.horizon.step),
    typeNames,
    commit: sites.map((s, i) => {
      if (s.type !== 'public') return { count: new Float64Array(0), hourly: new Float64Array(0) };
      const byType = commitmentsByType(s);
      return { count: Float64Array.from(typeNames[i].map((n) => byType.get(n)?.count ?? 0)), hourly: Float64Array.from(typeNames[i].map((n) => byType.get(n)?.hourly ?? 0)) };
    }),
    quotaOf,
    zoneLoss: sites.map(() => undefined),
  };
}

/** Each public site's autoscaling lag, their rings end to end in one array (ReplayState.lagRing). */
function lagBanks(sites: readonly Site[], sitePairs: readonly number[][], step: number): (LagBank | undefined)[] {
  let base = 0;
  return sites.map((site, s) => {
    if (site.type !== 'public') return undefined;
    const lag = new LagBank(sitePairs[s].length, site.autoscaling.scaleOutDelaySeconds, step, base);
    base += lag.length;
    return lag;
  });
}

/** Offsets of per-site parts laid end to end: each site's start, for parts of the given lengths. */
function offsets(lengths: readonly number[]): Int32Array {
  const at = new Int32Array(lengths.length);
  for (let s = 1; s < lengths.length; s++) at[s] = at[s - 1] + lengths[s - 1];
  return at;
}

/**
 * n doubles in an ArrayBuffer of their own: V8 keeps a typed array of up to 64 bytes made by
 * length in its heap, where the garbage collector may move it, so code reading it loads where
 * its data is on every access, even when the array is a constant to it (settle-public.ts).
 */
function offHeap(n: number): Float64Array {
  return new Float64Array(new ArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT));
}

/** The outputs, zeroed, with their per-step, per-month and per-bucket arrays. */
function outputs(input: ReplayInput, plan: PairPlan, st: SiteState, months: ReturnType<typeof calendarMonths>, B: number, perStep: boolean): ReplayResult {
  const { steps, workloads } = input;
  const { sites, pairs } = plan;
  const S = sites.length;
  const P = pairs.length;
  const W = workloads.length;
  const M = months.length;
  const nb = B ? Math.ceil(steps / B) : 0;
  const { siteResources, typeNames } = st;
  return {
    steps, sites, pairs,
    pairPeakInstances: new Float64Array(P), pairPeakUtilization: new Float64Array(P), pairCost: new Float64Array(P),
    pairServed: new Float64Array(P), pairUnserved: new Float64Array(P),
    workloadUnserved: new Float64Array(W), workloadViolations: new Float64Array(W), workloadCost: new Float64Array(W),
    siteCost: new Float64Array(S), siteIdleCost: new Float64Array(S),
    siteResources, sitePeakAlloc: sites.map(() => new Float64Array(NR)), sitePeakAllocAbs: sites.map(() => new Float64Array(NR)), sitePeakNeed: sites.map(() => new Float64Array(NR)), sitePeakNeedStep: sites.map(() => new Int32Array(NR)), sitePeakNeedAbs: sites.map(() => new Float64Array(NR)),
    siteNeedCrossStep: sites.map(() => new Int32Array(NR).fill(-1)), siteNeedMonthPeak: sites.map(() => RESOURCES.map(() => new Float64Array(M))),
    // only the resources a site is counted in are recorded (replay-series.ts) and read (report.ts)
    siteUtil: sites.map((_, s) => RESOURCES.map((_k, r) => new Float64Array(perStep && siteResources[s].includes(r) ? steps : 0))),
    publicTypeRunning: new Map(sites.flatMap((s, i) => (s.type === 'public' ? [[s.name, new Map(typeNames[i].map((n) => [n, new Float64Array(perStep ? steps : 0)]))]] : []))),
    stepUnserved: new Float64Array(steps), stepShortfall: new Float64Array(steps), violationBits: new Uint32Array(violationWords(input)), stepViolations: new Uint16Array(steps), sloViolationSteps: 0,
    siteMonthCost: sites.map(() => new Float64Array(M)), workloadMonthCost: workloads.map(() => new Float64Array(M)), pairMonthCost: pairs.map(() => new Float64Array(M)), months,
    bucketSize: B,
    siteSeries: sites.map((_, s) => {
      const counted = (r: number) => new Float64Array(r === 0 || siteResources[s].includes(r) ? nb : 0);
      return { capacity: RESOURCES.map((_k, r) => counted(r)), allocated: RESOURCES.map((_k, r) => counted(r)), needed: RESOURCES.map((_k, r) => counted(r)) };
    }),
    pairRunningVcpus: pairs.map(() => new Float64Array(nb)),
    workloadDemandMax: workloads.map(() => new Float64Array(nb)),
    workloadDemandMean: workloads.map(() => new Float64Array(nb)),
    workloadUnservedSeries: workloads.map(() => new Float64Array(nb)),
  };
}

/** The length of the tally's violationBits: steps × ⌈W / 32⌉ words when asked for, else 0. */
export function violationWords(input: Pick<ReplayInput, 'steps' | 'workloads' | 'violationBits'>): number {
  return input.violationBits ? input.steps * Math.ceil(input.workloads.length / 32) : 0;
}

/** Steps per chart bucket (0: no series). */
export function bucketSteps(input: Pick<ReplayInput, 'steps' | 'buckets'>): number {
  return input.buckets && input.buckets > 0 ? Math.max(1, Math.ceil(input.steps / input.buckets)) : 0;
}

/** The state of a replay before its first run; the run sets its zone losses (Replayer.run: the events are the run's). */
export function createReplayState(input: ReplayInput, plan: PairPlan): ReplayState {
  const { steps, workloads, horizon: h } = input;
  const { sites, pairs } = plan;
  const P = pairs.length;
  const W = workloads.length;
  const packers = sites.map((s) => (s.type === 'openstack' ? new FlavorPacker(s.aggregates, s.flavors) : undefined));
  const c = pairConstants(input, plan, packers);
  const ss = siteState(input, plan, c, packers);
  const perStep = input.perStep !== false;
  const B = bucketSteps(input);
  const months = calendarMonths(h.start, h.step, steps, input.model.settings.timezone);
  const res = outputs(input, plan, ss, months, B, perStep);
  // per site: its instance types' slots and one more (spot and no type); a needSums slot holds the vCPUs and those
  const typeSlots = ss.typeNames.map((n) => n.length + 1);
  const needSumLengths = ss.lags.map((lag, s) => (lag && lag.k >= 1 ? (lag.k + 1) * (typeSlots[s] + 1) : 0));
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    ...c, ...ss,
    pcol: new Int32Array(P), D: new Float64Array(P), overflowIn: new Float64Array(P), need: new Float64Array(P), run: new Float64Array(P), servedNow: new Float64Array(P),
    lostUnserved: new Float64Array(W), violatedAt: new Float64Array(W), violCount: new Int32Array(1), allocR: new Float64Array(NR), needR: new Float64Array(NR), stepTotals: new Float64Array(4), onePass: Uint8Array.of(1), onePassSteps: new Float64Array(2), boundFits: new Uint8Array(sites.length),
    flavorDemand: packers.map((pk) => new Float64Array(pk ? pk.flavors.length : 0)),
    placed: packers.map((pk) => new Float64Array(pk ? pk.flavors.length : 0)),
    lagRing: new Float64Array(sum(ss.lags.map((lag) => lag?.length ?? 0))),
    typeRunning: typeSlots.map((n) => new Float64Array(n)),
    needSums: new Float64Array(sum(needSumLengths)),
    needSumsAt: offsets(needSumLengths).map((at, s) => (needSumLengths[s] > 0 ? at : -1)),
    slotAt: offsets(typeSlots),
    coverScratch: offHeap(sum(typeSlots)),
    commitScratch: offHeap(sum(typeSlots)),
    demandRows: new Float64Array(W * CHUNK_STEPS),
    tally: { pairServed: new Float64Array(P), pairPeakInstances: new Float64Array(P), pairPeakUtilization: new Float64Array(P), pairUnserved: new Float64Array(P), workloadUnserved: new Float64Array(W), workloadViolations: new Float64Array(W), stepUnserved: new Float64Array(steps), stepShortfall: new Float64Array(steps), violationBits: new Uint32Array(violationWords(input)) },
    shortWeight: input.unservedWeight ? Float64Array.from(input.unservedWeight) : new Float64Array(W),
    W, P, dt: h.step, hours: h.step / SECONDS_PER_HOUR, B, perStep, needLimit: 1 - input.placement.headroomTarget,
    res,
    siteUtilSeries: res.siteUtil,
    typeRunSeries: sites.map((s, i) => (s.type === 'public' ? ss.typeNames[i].map((n) => res.publicTypeRunning.get(s.name)!.get(n)!) : [])),
    pairRunAcc: new Float64Array(P), wDemandMaxAcc: new Float64Array(W), wDemandSumAcc: new Float64Array(W), wUnservedAcc: new Float64Array(W),
    wCostMark: new Float64Array(W), pCostMark: new Float64Array(P),
    wPairs: plan.wPairs,
    cursor: new Int32Array(2),
  };
}

/**
 * The scenario's change points at step t: sites and zones down, price multipliers, hosts added;
 * then each OpenStack site's capacity installed and up (aggregateTotals) and its cost per step.
 */
export function applyChanges(st: ReplayState, windows: EventWindows, t: number, priceFactor: Record<string, number> | undefined): void {
  const { outages, addHosts, prices } = windows;
  const { sites, siteDown, priceMult, installedHosts, hosts, capInstalled, capUp, schedCpuInstalled, privateStep, rate, dt } = st;
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s];
    siteDown[s] = outages.some((o) => o.site === s && !o.zone && o.from <= t && t < o.to) ? 1 : 0;
    priceMult[s] = prices.filter((p) => p.site === s && p.from <= t).reduce((m, p) => m * p.mult, priceFactor?.[site.name] ?? 1);
    if (site.type !== 'openstack') continue;
    site.aggregates.forEach((g, a) => {
      const n = Math.max(0, g.hosts + addHosts.filter((x) => x.site === s && x.agg === a && x.from <= t).reduce((m, x) => m + x.hosts, 0));
      installedHosts[s][a] = n;
      const zoneDown = outages.some((o) => o.site === s && o.zone !== undefined && o.zone === g.availabilityZone && o.from <= t && t < o.to);
      hosts[s][a] = zoneDown ? 0 : n;
    });
    aggregateTotals(site, installedHosts[s], capInstalled[s]);
    aggregateTotals(site, hosts[s], capUp[s]);
    if (siteDown[s]) capUp[s].fill(0);
    schedCpuInstalled[s] = capInstalled[s][R_VCPU] + capInstalled[s][R_PCPU];
    let hostCount = 0;
    for (let a = 0; a < site.aggregates.length; a++) hostCount += installedHosts[s][a];
    privateStep[s] = (hostCount * hostMonthly(site, priceMult[s]) * dt * rate[s]) / SECONDS_PER_MONTH;
  }
}

/** Schedulable amounts of a site with hostCounts[a] hosts in each aggregate, into out (RESOURCES order). */
function aggregateTotals(site: OpenStackSite, hostCounts: ArrayLike<number>, out: Float64Array): void {
  out.fill(0);
  site.aggregates.forEach((g, a) => {
    const h = resourceVector(hostSchedulable(g));
    for (let r = 0; r < NR; r++) out[r] += hostCounts[a] * h[r];
  });
}

/**
 * Ready for another run of the same replay (replay.ts, Replayer): every output, tally and accumulator
 * zeroed, the month and bucket back at the start, no workload marked in violation. Site state
 * is rebuilt by applyChanges at step 0, and the lag rings are written before they are read.
 */
export function resetForRun(st: ReplayState): void {
  const { res } = st;
  // (the tally's arrays in the result are copied over whole at the end of the run)
  for (const a of [res.pairCost, res.workloadCost, res.siteCost, res.siteIdleCost]) a.fill(0);
  for (const list of [res.sitePeakAlloc, res.sitePeakAllocAbs, res.sitePeakNeed, res.sitePeakNeedStep, res.sitePeakNeedAbs, res.siteMonthCost, res.workloadMonthCost, res.pairMonthCost]) for (const a of list) a.fill(0);
  for (const a of res.siteNeedCrossStep) a.fill(-1);
  for (const perSite of res.siteNeedMonthPeak) for (const a of perSite) a.fill(0);
  for (const ss of res.siteSeries) for (const list of [ss.capacity, ss.allocated, ss.needed]) for (const a of list) a.fill(0); // max per bucket
  res.sloViolationSteps = 0; // (stepViolations is written at every step)
  for (const a of Object.values(st.tally)) a.fill(0);
  for (const a of [st.pairRunAcc, st.wDemandMaxAcc, st.wDemandSumAcc, st.wUnservedAcc, st.wCostMark, st.pCostMark, st.violatedAt, st.lostUnserved, st.overflowIn]) a.fill(0);
  st.violCount[0] = 0;
  st.cursor.fill(0);
  st.onePassSteps.fill(0);
}

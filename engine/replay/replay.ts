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
 * All series are typed arrays allocated before the loop; the loop allocates only on
 * contention steps (allocation.ts).
 *
 * Phases: 1, the pairs (pair-plan.ts); 2, the events as step windows (event-windows.ts); 3,
 * per-pair constants and site state; then per step: apply the change points, read demand in
 * chunks (demand-chunks.ts: noise, growth), redistribute around outages
 * (outage-redistribution.ts), settle each site in overflow order
 * (OpenStack: pack, contend, settlePrivate; public: autoscaling lag, quota, settlePublic),
 * then per workload unserved and violations, and the bucket and month series.
 */
import { allocateByPriority } from '../capacity/allocation';
import { CalendarMonth, calendarMonths } from '../traffic/calendar-months';
import { LagBank } from '../capacity/autoscaling';
import { Horizon, Model, OpenStackSite, Placement, PublicSite, ScenarioEvent, Site, Workload } from '../model/model';
import { FlavorPacker, hostSchedulable, resourceVector } from '../capacity/nova-capacity';
import { DEVICE_RESOURCES, flavorRequest, NR, RESOURCES } from '../model/resource-classes';
import { commitmentsByType, egressPerRequest, hostMonthly, rateFor } from '../capacity/pricing';
import { SECONDS_PER_HOUR, SECONDS_PER_MONTH } from '../model/time-constants';
import type { Rng } from './rng';
import { planPairs } from './pair-plan';
import { eventWindows } from './event-windows';
import { DemandChunks } from './demand-chunks';
import { ArrayDemand, DemandSource } from '../traffic/demand-stream';
import { OutageContext, redistributeAroundOutage } from './outage-redistribution';

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
  /** Keep per-step site utilization and instance-type usage (false for Monte Carlo runs). */
  perStep?: boolean;
  onProgress?: (done: number) => void;
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
  /** Per site and resource: peak needed / installed schedulable capacity (above 1: demand that cannot fit), and its step. */
  sitePeakNeed: Float64Array[];
  sitePeakNeedStep: Int32Array[];
  /** Per site and resource: the first step whose need passes 1 − headroomTarget of the installed capacity (−1: none). */
  siteNeedCrossStep: Int32Array[];
  /** Per site and resource: the peak need in its own unit (vCPU, MiB, GiB). */
  sitePeakNeedAbs: Float64Array[];
  /** Per site, resource and calendar month: the peak need in its own unit. */
  siteNeedMonthPeak: Float64Array[][];
  /** Per site and resource, per step (perStep): allocated / schedulable capacity up. */
  siteUtil: Float64Array[][];
  /** Per public site, per instance type (site order), running non-spot instances per step. */
  publicTypeRunning: Map<string, Map<string, Float64Array>>;
  /** Per step: total unserved (rate) and number of workloads in violation. */
  stepUnserved: Float64Array;
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

const EPS = 1e-9;

export function replay(input: ReplayInput): ReplayResult {
  const { model, placement, horizon: h, steps, workloads, demand } = input;
  const dt = h.step;
  // ---- phase 1, the pairs: which workload runs on which site, numbered site by site ----
  const { sites, siteIndex, pairs, wPairs, overflowTarget } = planPairs(model, placement, workloads);
  const S = sites.length;
  const W = workloads.length;
  const P = pairs.length;
  const activePassive = placement.mode === 'active-passive';

  // ---- per-pair constants ----
  const siteFirst = new Int32Array(S + 1);
  for (const pr of pairs) siteFirst[pr.site + 1]++;
  for (let i = 0; i < S; i++) siteFirst[i + 1] += siteFirst[i];
  const capacity = new Float64Array(P);
  const capEff = new Float64Array(P);
  const invCapEff = new Float64Array(P);
  const violateAt = new Float64Array(P); // utilization above which a step violates the SLO
  const minInst = new Float64Array(P);
  const vcpus = new Float64Array(P); // the instance's vCPUs (guest CPUs; quota, showback, charts)
  const req = new Float64Array(P * NR); // what one instance takes, per resource (RESOURCES order)
  const reqV = new Float64Array(P); // its VCPU, memory and disk, contiguous for the hot loop
  const reqM = new Float64Array(P);
  const reqD = new Float64Array(P);
  const priority = new Float64Array(P);
  const flavorIdx = new Int32Array(P).fill(-1);
  const typeIdx = new Int32Array(P).fill(-1);
  const spot = new Uint8Array(P);
  const priceHourly = new Float64Array(P); // on-demand or spot, site currency
  const egressPerReq = new Float64Array(P); // site currency per request
  const baseShare = new Float64Array(P); // fraction of demand with every site up
  const sitePairs: number[][] = sites.map(() => []);
  const packers: (FlavorPacker | undefined)[] = sites.map((s) => (s.type === 'openstack' ? new FlavorPacker(s.aggregates, s.flavors) : undefined));
  for (let p = 0; p < P; p++) {
    const { workload: w, site: s, share, role } = pairs[p];
    const wl = workloads[w];
    const site = sites[s];
    const wp = placement.workloads.get(wl.name)!;
    sitePairs[s].push(p);
    capacity[p] = wl.capacityPerInstance;
    capEff[p] = wl.capacityPerInstance * wl.targetUtilization;
    invCapEff[p] = 1 / capEff[p];
    violateAt[p] = wl.targetUtilization + EPS;
    minInst[p] = role === 'overflow' || (role === 'share' && share <= 0 && !activePassive) ? 0 : wl.minInstances;
    priority[p] = wl.priority;
    baseShare[p] = activePassive ? (role === 'share' ? 1 : 0) : share / 100;
    if (site.type === 'openstack') {
      const packer = packers[s]!;
      flavorIdx[p] = packer.indexOf(wl.flavor ?? '');
      const f = packer.flavors[flavorIdx[p]];
      vcpus[p] = f?.vcpus ?? 0;
      if (f) req.set(resourceVector(flavorRequest(f)), p * NR);
    } else {
      typeIdx[p] = site.instanceTypes.findIndex((t) => t.name === wl.instanceType);
      const it = site.instanceTypes[typeIdx[p]];
      vcpus[p] = it?.vcpus ?? 0;
      req[p * NR] = vcpus[p];
      req[p * NR + 1] = it?.memoryMiB ?? 0;
      spot[p] = wp.purchase === 'spot' ? 1 : 0;
      priceHourly[p] = it ? (spot[p] ? it.pricing.spotHourly ?? it.pricing.onDemandHourly : it.pricing.onDemandHourly) : 0;
      egressPerReq[p] = egressPerRequest(site, wl.egressGiBPerMillionRequests, wl.unit);
    }
  }

  for (let p = 0; p < P; p++) {
    reqV[p] = req[p * NR];
    reqM[p] = req[p * NR + 1];
    reqD[p] = req[p * NR + 2];
  }

  // ---- sites: order, rates, state ----
  const order = overflowOrder(sites, pairs, overflowTarget);
  const rate = sites.map((s) => rateFor(s.currency, model.settings.reportingCurrency, input.exchangeRates));
  const hosts = sites.map((s) => new Float64Array(s.type === 'openstack' ? s.aggregates.length : 0));
  const installedHosts = sites.map((s) => new Float64Array(s.type === 'openstack' ? s.aggregates.length : 0));
  const priceMult = new Float64Array(S).fill(1);
  const siteDown = new Uint8Array(S);
  const privateStep = new Float64Array(S); // reporting currency per step
  const schedCpuInstalled = new Float64Array(S); // VCPU + PCPU: the showback base
  // schedulable capacity per resource (RESOURCES order), installed and up
  const capInstalled = sites.map(() => new Float64Array(NR));
  const capUp = sites.map(() => new Float64Array(NR));
  // An OpenStack site is counted in disk where hosts have schedulable disk, and in PCPU, vGPU and
  // PCI devices where hosts have them or one of its placed flavors asks for them.
  const siteResources = sites.map((site, s) => {
    if (site.type !== 'openstack') return site.quota.vcpus !== undefined ? [0] : [];
    const out = [0, 1];
    for (let r = 2; r < NR; r++) {
      const key = RESOURCES[r];
      const has = site.aggregates.some((g) => g.hosts > 0 && hostSchedulable(g)[key] > 0);
      const asked = key !== 'diskGiB' && (DEVICE_RESOURCES as readonly string[]).includes(key) && sitePairs[s].some((p) => req[p * NR + r] > 0);
      if (has || asked) out.push(r);
    }
    return out;
  });
  const lags = sites.map((site, s) => (site.type === 'public' ? new LagBank(sitePairs[s].length, site.autoscaling.scaleOutDelaySeconds, dt) : undefined));
  const typeNames = sites.map((s) => (s.type === 'public' ? s.instanceTypes.map((t) => t.name) : []));
  const commit = sites.map((s) => {
    if (s.type !== 'public') return { count: new Float64Array(0), hourly: new Float64Array(0) };
    const byType = commitmentsByType(s);
    return { count: Float64Array.from(typeNames[sites.indexOf(s)].map((n) => byType.get(n)?.count ?? 0)), hourly: Float64Array.from(typeNames[sites.indexOf(s)].map((n) => byType.get(n)?.hourly ?? 0)) };
  });
  const typeRunning = sites.map((s, i) => new Float64Array(typeNames[i].length));
  const coverScratch = sites.map((s, i) => new Float64Array(typeNames[i].length));
  const commitScratch = sites.map((s, i) => new Float64Array(typeNames[i].length));

  // ---- phase 2, the scenario's events as step windows: outages (with detection), host additions, prices ----
  const { outages, addHosts, prices, changes, zoneLoss, siteDet } = eventWindows(sites, siteIndex, input.events, h, steps, placement.detectionSeconds);

  const applyChanges = (t: number) => {
    for (let s = 0; s < S; s++) {
      const site = sites[s];
      siteDown[s] = outages.some((o) => o.site === s && !o.zone && o.from <= t && t < o.to) ? 1 : 0;
      priceMult[s] = prices.filter((p) => p.site === s && p.from <= t).reduce((m, p) => m * p.mult, input.noise?.priceFactor?.[site.name] ?? 1);
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
      schedCpuInstalled[s] = capInstalled[s][0] + capInstalled[s][3];
      let hostCount = 0;
      for (let a = 0; a < site.aggregates.length; a++) hostCount += installedHosts[s][a];
      privateStep[s] = (hostCount * hostMonthly(site, priceMult[s]) * dt * rate[s]) / SECONDS_PER_MONTH;
    }
  };

  // ---- outputs ----
  const calendar = calendarMonths(h.start, dt, steps, model.settings.timezone);
  const months = calendar.length;
  const perStep = input.perStep !== false;
  const siteUtilSeries = sites.map(() => RESOURCES.map(() => new Float64Array(perStep ? steps : 0)));
  const needLimit = 1 - placement.headroomTarget;
  const B = input.buckets && input.buckets > 0 ? Math.max(1, Math.ceil(steps / input.buckets)) : 0;
  const nb = B ? Math.ceil(steps / B) : 0;
  const res: ReplayResult = {
    steps, sites, pairs,
    pairPeakInstances: new Float64Array(P), pairPeakUtilization: new Float64Array(P), pairCost: new Float64Array(P),
    pairServed: new Float64Array(P), pairUnserved: new Float64Array(P),
    workloadUnserved: new Float64Array(W), workloadViolations: new Float64Array(W), workloadCost: new Float64Array(W),
    siteCost: new Float64Array(S), siteIdleCost: new Float64Array(S),
    siteResources, sitePeakAlloc: sites.map(() => new Float64Array(NR)), sitePeakNeed: sites.map(() => new Float64Array(NR)), sitePeakNeedStep: sites.map(() => new Int32Array(NR)), sitePeakNeedAbs: sites.map(() => new Float64Array(NR)),
    siteNeedCrossStep: sites.map(() => new Int32Array(NR).fill(-1)), siteNeedMonthPeak: sites.map(() => RESOURCES.map(() => new Float64Array(months))),
    siteUtil: siteUtilSeries,
    publicTypeRunning: new Map(sites.filter((s) => s.type === 'public').map((s) => [s.name, new Map(typeNames[sites.indexOf(s)].map((n) => [n, new Float64Array(perStep ? steps : 0)]))])),
    stepUnserved: new Float64Array(steps), stepViolations: new Uint16Array(steps), sloViolationSteps: 0,
    siteMonthCost: sites.map(() => new Float64Array(months)), workloadMonthCost: workloads.map(() => new Float64Array(months)), pairMonthCost: pairs.map(() => new Float64Array(months)), months: calendar,
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
  const typeRunSeries = sites.map((s) => (s.type === 'public' ? typeNames[sites.indexOf(s)].map((n) => res.publicTypeRunning.get(s.name)!.get(n)!) : []));

  // ---- scratch, and flat views of the outputs for the hot loop ----
  const D = new Float64Array(P);
  const overflowIn = new Float64Array(P);
  const need = new Float64Array(P);
  const run = new Float64Array(P);
  const servedNow = new Float64Array(P);
  const lostUnserved = new Float64Array(W);
  const violated = new Uint8Array(W);
  const allocR = new Float64Array(NR); // per resource: allocated, needed at the site being settled
  const needR = new Float64Array(NR);
  const siteHasDisk = Uint8Array.from(siteResources, (list) => (list.includes(2) ? 1 : 0));
  const siteHasPcpu = Uint8Array.from(siteResources, (list) => (list.includes(3) ? 1 : 0));
  const siteDevices = siteResources.map((list) => Int32Array.from(list.filter((r) => r >= 3)));
  const flavorDemand = packers.map((pk) => new Float64Array(pk ? pk.flavors.length : 0));
  const placed = packers.map((pk) => new Float64Array(pk ? pk.flavors.length : 0));
  const pw = Int32Array.from(pairs, (x) => x.workload);
  const isPublic = Uint8Array.from(sites, (x) => (x.type === 'public' ? 1 : 0));
  const receivesOverflow = new Uint8Array(S);
  for (let p = 0; p < P; p++) if (overflowTarget[p] >= 0) receivesOverflow[pairs[overflowTarget[p]].site] = 1;
  const quotaOf = Float64Array.from(sites, (x) => (x.type === 'public' && x.quota.vcpus !== undefined ? x.quota.vcpus : Infinity));
  sites.forEach((x, i) => { if (x.type === 'public') capInstalled[i][0] = quotaOf[i]; });
  // Per-bucket and per-month accumulators, flushed at boundaries so the per-pair work stays
  // on contiguous arrays.
  const pairRunAcc = new Float64Array(P);
  const wDemandMaxAcc = new Float64Array(W);
  const wDemandSumAcc = new Float64Array(W);
  const wUnservedAcc = new Float64Array(W);
  const wCostMark = new Float64Array(W);
  const pCostMark = new Float64Array(P);
  const { pairServed, pairUnserved, pairPeakInstances, pairPeakUtilization, pairCost, workloadUnserved, stepUnserved, workloadViolations } = res;
  const hours = dt / SECONDS_PER_HOUR;
  // phase 4 of every step: demand, read in chunks of steps, step-major (demand-chunks.ts)
  const chunks = new DemandChunks(Array.isArray(demand) ? new ArrayDemand(demand) : (demand as DemandSource), steps, dt, input.noise);
  const dChunk = chunks.rows;
  const outageCtx: OutageContext = { pairs, wPairs, activePassive, siteDown, siteDet, lostUnserved, D };
  let nextChange = 0;
  let anyDown = false;
  let month = 0;
  let nextMonthStep = months > 1 ? calendar[1].startStep : steps;
  let bucket = 0;
  const progressEvery = Math.max(1, Math.floor(steps / 100));

  for (let t = 0; t < steps; t++) {
    if (nextChange < changes.length && changes[nextChange] === t) {
      applyChanges(t);
      nextChange++;
      anyDown = false;
      for (let s = 0; s < S; s++) if (siteDown[s]) anyDown = true;
    }
    if (t >= nextMonthStep && month < months - 1) {
      closeMonth(month);
      month++;
      nextMonthStep = month + 1 < months ? calendar[month + 1].startStep : steps;
    }
    if (B && t > 0 && t % B === 0) {
      flushBucket(bucket, B);
      bucket++;
    }
    const row = chunks.rowOf(t);

    // 1. with a site down, the outage redistribution (otherwise shares are applied per site below)
    if (anyDown) for (let w = 0; w < W; w++) redistributeAroundOutage(outageCtx, w, dChunk[row + w], t);
    overflowIn.fill(0);

    // 2. sites, in overflow order: instances needed, what runs, then settle
    for (let oi = 0; oi < S; oi++) {
      const s = order[oi];
      const p0 = siteFirst[s];
      const p1 = siteFirst[s + 1];
      const down = siteDown[s] === 1;
      const inflow = receivesOverflow[s] === 1;
      if (!isPublic[s]) {
        const fd = flavorDemand[s];
        fd.fill(0);
        for (let p = p0; p < p1; p++) {
          const dd = (anyDown ? D[p] : (D[p] = dChunk[row + pw[p]] * baseShare[p])) + (inflow ? overflowIn[p] : 0);
          let n = dd > 0 ? Math.ceil(dd * invCapEff[p] - EPS) : 0;
          if (n < minInst[p]) n = minInst[p];
          need[p] = n;
          const f = flavorIdx[p];
          if (f >= 0) fd[f] += n;
        }
        let allFit = false;
        if (down) for (let p = p0; p < p1; p++) { run[p] = 0; need[p] = 0; }
        else if (packers[s]!.pack(hosts[s], fd, placed[s])) allFit = true;
        else contendOpenStack(s);
        settlePrivate(s, t, allFit);
      } else {
        let used = 0;
        const lag = lags[s]!;
        lag.begin(t);
        const tr = typeRunning[s];
        tr.fill(0);
        for (let p = p0; p < p1; p++) {
          // A lost site's autoscaler keeps tracking the load of its nominal share, so that its
          // capacity is there when the site returns and traffic moves back.
          let dd: number;
          if (!anyDown) dd = (D[p] = dChunk[row + pw[p]] * baseShare[p]) + (inflow ? overflowIn[p] : 0);
          else dd = down ? dChunk[row + pw[p]] * baseShare[p] : D[p] + overflowIn[p];
          let n = dd > 0 ? Math.ceil(dd * invCapEff[p] - EPS) : 0;
          if (n < minInst[p]) n = minInst[p];
          need[p] = n;
          const r = lag.shift(t, p - p0, n);
          const k = typeIdx[p];
          const v = down || k < 0 ? 0 : r;
          run[p] = v;
          used += v * vcpus[p];
          if (k >= 0 && !spot[p]) tr[k] += v;
        }
        if (used > quotaOf[s] + EPS) {
          contendQuota(s, quotaOf[s]);
          tr.fill(0);
          for (let p = p0; p < p1; p++) if (typeIdx[p] >= 0 && !spot[p]) tr[typeIdx[p]] += run[p];
        }
        settlePublic(s, t);
      }
    }

    // 3. workloads: unserved, violations, demand series; then reset for the next step
    let stepViol = 0;
    for (let w = 0; w < W; w++) {
      if (lostUnserved[w] > EPS) {
        workloadUnserved[w] += lostUnserved[w] * dt;
        stepUnserved[t] += lostUnserved[w];
        wUnservedAcc[w] += lostUnserved[w] * dt;
        violated[w] = 1;
      }
      if (violated[w]) {
        workloadViolations[w]++;
        stepViol++;
      }
      lostUnserved[w] = 0;
      violated[w] = 0;
      if (B) {
        const d = dChunk[row + w];
        if (d > wDemandMaxAcc[w]) wDemandMaxAcc[w] = d;
        wDemandSumAcc[w] += d;
      }
    }
    res.stepViolations[t] = stepViol;
    if (stepViol > 0) res.sloViolationSteps++;
    if (input.onProgress && t % progressEvery === 0) input.onProgress(t / steps);
  }
  closeMonth(month);
  if (B) flushBucket(bucket, steps - bucket * B);
  for (let p = 0; p < P; p++) {
    res.workloadCost[pw[p]] += pairCost[p];
    pairServed[p] *= dt;
  }
  return res;

  // ---- helpers (closures over the scratch arrays) ----

  function closeMonth(m: number): void {
    for (let p = 0; p < P; p++) {
      res.pairMonthCost[p][m] = pairCost[p] - pCostMark[p];
      pCostMark[p] = pairCost[p];
    }
    for (let w = 0; w < W; w++) {
      let c = 0;
      for (const p of wPairs[w]) c += pairCost[p];
      res.workloadMonthCost[w][m] = c - wCostMark[w];
      wCostMark[w] = c;
    }
  }

  function flushBucket(b: number, n: number): void {
    for (let w = 0; w < W; w++) {
      res.workloadDemandMax[w][b] = wDemandMaxAcc[w];
      res.workloadDemandMean[w][b] = wDemandSumAcc[w] / n;
      res.workloadUnservedSeries[w][b] = wUnservedAcc[w];
      wDemandMaxAcc[w] = 0;
      wDemandSumAcc[w] = 0;
      wUnservedAcc[w] = 0;
    }
    for (let p = 0; p < P; p++) {
      res.pairRunningVcpus[p][b] = pairRunAcc[p] / n;
      pairRunAcc[p] = 0;
    }
  }

  /**
   * served, unserved, overflow and statistics of one pair; served goes to servedNow[p] (a
   * double returned from a call that is not inlined would be boxed: one allocation per pair-step).
   */
  function settlePair(p: number, t: number, zl: number): void {
    const w = pw[p];
    const dd = D[p] + overflowIn[p];
    const r = run[p];
    const cap = r * capacity[p];
    const servable = zl > 0 ? dd * (1 - zl) : dd;
    const served = servable < cap ? servable : cap;
    const uns = dd - served;
    pairServed[p] += served; // × Δ once, after the loop
    if (r > pairPeakInstances[p]) pairPeakInstances[p] = r;
    // utilization = dd / cap, compared without dividing on every step
    if (cap > 0) {
      if (dd > pairPeakUtilization[p] * cap) pairPeakUtilization[p] = dd / cap;
      if (dd > violateAt[p] * cap) violated[w] = 1;
    } else if (dd > EPS) violated[w] = 1;
    if (uns > EPS) {
      const of = overflowTarget[p];
      if (of >= 0) overflowIn[of] += uns;
      else {
        pairUnserved[p] += uns * dt;
        workloadUnserved[w] += uns * dt;
        stepUnserved[t] += uns;
        wUnservedAcc[w] += uns * dt;
        violated[w] = 1;
      }
    }
    if (B) pairRunAcc[p] += r * vcpus[p];
    servedNow[p] = served;
  }

  /**
   * allFit: everything needed fits, so running = needed (set here, saving a pass). vCPU, memory
   * and disk are summed in the loop itself; PCPU, vGPU and PCI devices only at sites counted in them.
   */
  function settlePrivate(s: number, t: number, allFit: boolean): void {
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const zl = zoneLoss[s] ? zoneLoss[s]![t] : 0;
    const stepCost = privateStep[s];
    const inst = schedCpuInstalled[s];
    const perCpu = inst > 0 ? stepCost / inst : 0;
    const dev = siteDevices[s];
    const nDev = dev.length;
    const pinned = siteHasPcpu[s] === 1; // else every instance's vCPUs are its VCPU
    let allocV = 0, allocM = 0, allocD = 0, needV = 0, needM = 0, needD = 0, allocCpu = 0;
    for (let p = p0; p < p1; p++) {
      if (allFit) run[p] = flavorIdx[p] >= 0 ? need[p] : 0;
      settlePair(p, t, zl);
      const r = run[p];
      const n = need[p];
      const v = r * reqV[p];
      allocV += v;
      allocM += r * reqM[p];
      allocD += r * reqD[p];
      needV += n * reqV[p];
      needM += n * reqM[p];
      needD += n * reqD[p];
      // Showback by allocated CPUs (VCPU and PCPU: the instance's vCPUs); what is not allocated is idle cost.
      const cpu = pinned ? r * vcpus[p] : v;
      allocCpu += cpu;
      pairCost[p] += perCpu * cpu;
    }
    // PCPU, vGPU and PCI devices: a second pass, only at sites counted in them
    for (let i = 0; i < nDev; i++) {
      const k = dev[i];
      let a = 0, q = 0;
      for (let p = p0; p < p1; p++) {
        a += run[p] * req[p * NR + k];
        q += need[p] * req[p * NR + k];
      }
      allocR[k] = a;
      needR[k] = q;
    }
    res.siteIdleCost[s] += stepCost - perCpu * allocCpu;
    res.siteCost[s] += stepCost;
    res.siteMonthCost[s][month] += stepCost;
    const disk = siteHasDisk[s];
    resourcePoint(s, t, 0, allocV, needV);
    resourcePoint(s, t, 1, allocM, needM);
    if (disk) resourcePoint(s, t, 2, allocD, needD);
    for (let i = 0; i < nDev; i++) resourcePoint(s, t, dev[i], allocR[dev[i]], needR[dev[i]]);
    if (B) {
      const cu = capUp[s];
      siteSeriesPoint(s, 0, cu[0], allocV, needV);
      siteSeriesPoint(s, 1, cu[1], allocM, needM);
      if (disk) siteSeriesPoint(s, 2, cu[2], allocD, needD);
      for (let i = 0; i < nDev; i++) siteSeriesPoint(s, dev[i], cu[dev[i]], allocR[dev[i]], needR[dev[i]]);
    }
  }

  /**
   * One step of one resource of a site: allocated against the capacity up (utilization, its
   * peak and per-step series) and needed against the installed capacity (the planning series:
   * its peak, calendar-month peaks, the first step past 1 − headroomTarget).
   */
  function resourcePoint(s: number, t: number, r: number, alloc: number, needed: number): void {
    const up = capUp[s][r];
    const u = up > 0 ? alloc / up : alloc > 0 ? Infinity : 0;
    if (u > res.sitePeakAlloc[s][r]) res.sitePeakAlloc[s][r] = u;
    if (perStep) siteUtilSeries[s][r][t] = u;
    const inst = capInstalled[s][r];
    const q = inst > 0 ? needed / inst : needed > 0 ? Infinity : 0;
    if (q > res.sitePeakNeed[s][r]) {
      res.sitePeakNeed[s][r] = q;
      res.sitePeakNeedStep[s][r] = t;
    }
    if (needed > res.sitePeakNeedAbs[s][r]) res.sitePeakNeedAbs[s][r] = needed;
    const mp = res.siteNeedMonthPeak[s][r];
    if (needed > mp[month]) mp[month] = needed;
    if (q > needLimit + EPS && res.siteNeedCrossStep[s][r] < 0) res.siteNeedCrossStep[s][r] = t;
  }

  function settlePublic(s: number, t: number): void {
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const tr = typeRunning[s];
    const cm = commit[s];
    const k2 = hours * rate[s];
    const odMult = priceMult[s] * k2;
    const egMult = dt * priceMult[s] * rate[s];
    // Committed instances are paid always (at their own price: a later price change does not
    // touch them); running non-spot instances up to the committed count are covered by them,
    // shared in proportion to running instances (covFrac), each covered one carrying its
    // share of the commitment (unitCommit).
    let stepCost = 0;
    const covFrac = coverScratch[s];
    const unitCommit = commitScratch[s];
    for (let k = 0; k < cm.count.length; k++) {
      stepCost += cm.hourly[k] * k2;
      if (perStep) typeRunSeries[s][k][t] = tr[k];
      const R = tr[k], C = cm.count[k];
      covFrac[k] = R > C ? C / R : 1;
      unitCommit[k] = C > 0 ? (cm.hourly[k] * k2) / C : 0;
    }
    let allocV = 0, needV = 0, shown = 0;
    for (let p = p0; p < p1; p++) {
      settlePair(p, t, 0);
      const served = servedNow[p];
      const r = run[p];
      allocV += r * vcpus[p];
      needV += need[p] * vcpus[p];
      const k = typeIdx[p];
      let variable = egressPerReq[p] > 0 ? egressPerReq[p] * served * egMult : 0;
      let c = 0;
      if (k >= 0 && r > 0) {
        if (spot[p]) variable += r * priceHourly[p] * odMult;
        else {
          const covered = r * covFrac[k];
          variable += (r - covered) * priceHourly[p] * odMult;
          c = covered * unitCommit[k];
        }
      }
      c += variable;
      stepCost += variable;
      pairCost[p] += c;
      shown += c;
    }
    res.siteIdleCost[s] += stepCost - shown;
    res.siteCost[s] += stepCost;
    res.siteMonthCost[s][month] += stepCost;
    const q = quotaOf[s];
    if (q !== Infinity) {
      capUp[s][0] = siteDown[s] ? 0 : q;
      resourcePoint(s, t, 0, allocV, needV);
    }
    if (B) siteSeriesPoint(s, 0, siteDown[s] || q === Infinity ? 0 : q, allocV, needV);
  }

  /** One step of resource r of site s into the chart bucket (max per bucket). */
  function siteSeriesPoint(s: number, r: number, capacity: number, alloc: number, needed: number): void {
    const ss = res.siteSeries[s];
    if (capacity > ss.capacity[r][bucket]) ss.capacity[r][bucket] = capacity;
    if (alloc > ss.allocated[r][bucket]) ss.allocated[r][bucket] = alloc;
    if (needed > ss.needed[r][bucket]) ss.needed[r][bucket] = needed;
  }

  function contendOpenStack(s: number): void {
    const sp = sitePairs[s];
    const packer = packers[s]!;
    const counts = new Float64Array(packer.flavors.length);
    const tmp = new Float64Array(packer.flavors.length);
    allocateByPriority({
      pairs: sp.filter((p) => flavorIdx[p] >= 0),
      priority, need, out: run,
      fits: (out) => {
        counts.fill(0);
        for (const p of sp) if (flavorIdx[p] >= 0) counts[flavorIdx[p]] += out[p];
        return packer.pack(hosts[s], counts, tmp);
      },
    });
    for (const p of sp) if (flavorIdx[p] < 0) run[p] = 0;
  }

  function contendQuota(s: number, quota: number): void {
    const sp = sitePairs[s];
    const want = Float64Array.from(run);
    allocateByPriority({
      pairs: sp, priority, need: want, out: run,
      fits: (out) => {
        let u = 0;
        for (const p of sp) u += out[p] * vcpus[p];
        return u <= quota + EPS;
      },
    });
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

/** Schedulable vCPU, memory and disk of a site's aggregates with the given host counts. */
/** Schedulable amounts of a site with hostCounts[a] hosts in each aggregate, into out (RESOURCES order). */
function aggregateTotals(site: OpenStackSite, hostCounts: ArrayLike<number>, out: Float64Array): void {
  out.fill(0);
  site.aggregates.forEach((g, a) => {
    const h = resourceVector(hostSchedulable(g));
    for (let r = 0; r < NR; r++) out[r] += hostCounts[a] * h[r];
  });
}

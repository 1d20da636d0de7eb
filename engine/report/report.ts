/**
 * The report JSON (shared/spec/cli-and-report.md, validated by schemas/report.schema.json).
 * Money in the reporting currency rounded to 0.01; utilizations as fractions rounded to 1e-4;
 * `requests` are demand-unit × seconds. Sites and workloads in name order, no clock or random
 * state: the same inputs and seed give byte-identical JSON.
 */
import { NOTHING_INSTALLED, spareMeets, sparePct, targetPct } from './binding-text';
import { classify } from '../recommend/classification';
import { DEVICE_RESOURCES, R_PCPU, RESOURCE_LABEL, RESOURCES } from '../model/resource-classes';
import { hostsAfterEvents, schedulableAfterEvents, unitResources } from '../replay/failover';
import { sumByUnit } from './demand-units';
import { hostSchedulable, siteInstanceCapacity, siteSchedulable } from '../capacity/nova-capacity';
import { Simulation } from '../replay/simulate';
import { iso } from '../traffic/traffic';
import { SECONDS_PER_MONTH } from '../model/time-constants';
import { quantilesOf } from '../traffic/demand-statistics';
import { Aggregate, Model, Resources, ScenarioEvent } from '../model/model';
import type { ReplayResult } from '../replay/replay';

export type { Recommendation, Report, ReportSite, ReportWorkload, ReportSeries } from './report-types';
import type { MonthlyCost, PerResource, Recommendation, Report, ReportSite, ReportWorkload, ReportSeries, SiteCapacity } from './report-types';

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r4 = (x: number) => Math.round(x * 10000) / 10000;
const fin = (x: number, f: (v: number) => number) => (Number.isFinite(x) ? f(x) : null);

/** The finite values of a series (utilization is infinite at a step with demand and no capacity up), in order; the series itself when all are. */
function finiteOnly(a: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) n++;
  if (n === a.length) return a;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) out[j++] = a[i];
  return out;
}

export function buildReport(model: Model, sim: Simulation, opts: { series?: boolean } = {}): Report {
  const { plan, result: res, steps } = sim;
  const h = plan.horizon;
  const dt = h.step;
  const horizonMonths = (steps * dt) / SECONDS_PER_MONTH;
  const sites: ReportSite[] = res.sites.map((_, s) => siteReport(model, sim, s, horizonMonths));
  const pairsOf: { p: (typeof res.pairs)[number]; k: number }[][] = plan.workloads.map(() => []);
  res.pairs.forEach((p, k) => pairsOf[p.workload].push({ p, k }));
  const workloads: ReportWorkload[] = plan.workloads.map((_, i) => workloadReport(model, sim, i, pairsOf[i]));
  const totalCost = res.siteCost.reduce((a, b) => a + b, 0);
  const report: Report = {
    reportVersion: 1,
    scenario: plan.scenario.name,
    placement: plan.placement.name,
    mode: plan.placement.mode,
    currency: model.settings.reportingCurrency,
    timezone: model.settings.timezone,
    exchangeRates: Object.fromEntries(Object.entries(plan.exchangeRates).sort(([a], [b]) => (a < b ? -1 : 1))),
    horizon: { start: iso(h.start), end: iso(h.end), stepSeconds: dt, steps },
    totals: {
      cost: r2(totalCost), costPerMonth: r2(totalCost / horizonMonths), unservedRequests: r2(res.workloadUnserved.reduce((a, b) => a + b, 0)), sloViolationSteps: res.sloViolationSteps,
      unservedByUnit: Object.fromEntries(Object.entries(sumByUnit(plan.workloads.map((w, i) => ({ unit: w.unit, amount: res.workloadUnserved[i] })))).map(([k, v]) => [k, r2(v)])),
    },
    sites,
    workloads,
    failover: sim.failover.map((f) => ({ lostSite: f.lostSite, survives: f.survives, shortfall: f.shortfall })),
    recommendations: [...headroomRecommendations(sim, sites), ...classificationRecommendations(sim, workloads)],
    worstMoments: worstMoments(sim),
    warnings: sim.warnings.flatMap((w) => w.warnings.map((x) => ({ workload: w.workload, message: x.message }))),
    events: plan.scenario.events.map(reportEvent),
  };
  if (opts.series !== false && res.bucketSize > 0) report.series = buildSeries(sim);
  return report;
}

/** Site s of the report: capacity, peak and p95 utilization and peak need in every resource it is counted in, the binding one, cost. */
function siteReport(model: Model, sim: Simulation, s: number, horizonMonths: number): ReportSite {
  const res = sim.result;
  const site = res.sites[s];
  let capacity: ReportSite['capacity'];
  let capacityAfterEvents: ReportSite['capacityAfterEvents'];
  if (site.type === 'openstack') {
    const of = (hostsOf?: (g: Aggregate) => number): SiteCapacity => {
      const sch = siteSchedulable(site, hostsOf);
      const devices = Object.fromEntries(DEVICE_RESOURCES.filter((k) => res.siteResources[s].includes(RESOURCES.indexOf(k))).map((k) => [k, r2(sch[k])]));
      return { vcpus: r2(sch.vcpus), memoryMiB: r2(sch.memoryMiB), diskGiB: r2(sch.diskGiB), ...devices, instances: siteInstanceCapacity(site, hostsOf) };
    };
    capacity = of();
    const after = hostsAfterEvents(site, sim.plan.scenario.events);
    if (site.aggregates.some((g, i) => after[i] !== g.hosts)) capacityAfterEvents = of((g) => after[g.index]);
  } else {
    const q = site.quota.vcpus;
    capacity = { vcpus: q ?? null, memoryMiB: null, diskGiB: null, instances: q === undefined ? {} : Object.fromEntries([...site.instanceTypes].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => [t.name, Math.floor(q / t.vcpus)])) };
  }
  // every resource the site is counted in (replay.ts RESOURCES): allocated peak and p95, needed peak, the binding one
  const counted = new Set(res.siteResources[s]);
  // vCPU, memory and disk always (null where not counted), PCPU, vGPU and PCI devices only where counted
  const per = (f: (r: number) => number | null): PerResource => Object.fromEntries(RESOURCES.flatMap((key, r) => (counted.has(r) ? [[key, f(r)]] : r < R_PCPU ? [[key, null]] : []))) as unknown as PerResource;
  const p95 = per((r) => {
    const finite = finiteOnly(res.siteUtil[s][r]);
    // simple-statistics' quantile, by bucket counting (a site-year of hourly steps: a quickselect per resource)
    return finite.length ? r4(quantilesOf(finite, [0.95])[0]) : null;
  });
  const peakNeed = per((r) => fin(res.sitePeakNeed[s][r], r4));
  // the binding resource by the unrounded peak needs, and its need and spare unrounded: the headroom
  // recommendation and the hosts to buy take 1 − the same need, so the policies, the diff's verdicts
  // and the editor's diagnostic (binding-text.ts, meetsHeadroom) judge and print the same number
  let bind = -1;
  for (const r of res.siteResources[s]) if (bind < 0 || res.sitePeakNeed[s][r] > res.sitePeakNeed[s][bind]) bind = r;
  const q = bind < 0 ? 0 : res.sitePeakNeed[s][bind];
  const binding: ReportSite['binding'] = bind < 0 ? null : Number.isFinite(q) ? { resource: RESOURCES[bind], peakNeed: q, spare: 1 - q } : { resource: RESOURCES[bind], peakNeed: NOTHING_INSTALLED, spare: -NOTHING_INSTALLED }; // demand with nothing installed (binding-text.ts)
  return {
    name: site.name, type: site.type, region: site.region, sovereign: site.sovereign, currency: site.currency || model.settings.reportingCurrency,
    capacity,
    ...(capacityAfterEvents ? { capacityAfterEvents } : {}),
    peakUtilization: per((r) => fin(res.sitePeakAlloc[s][r], r4)),
    peakAllocated: per((r) => {
      const c = capacity[RESOURCES[r]];
      // the replay's own peak amount: the capacity up at the busiest step is not the configured one
      // when a zone is down or the scenario adds hosts
      return c === null || c === undefined ? null : r2(res.sitePeakAllocAbs[s][r]);
    }),
    p95Utilization: p95,
    peakNeed,
    binding,
    cost: r2(res.siteCost[s]), idleCost: r2(res.siteIdleCost[s]), costPerMonth: r2(res.siteCost[s] / horizonMonths),
  };
}

/** Workload i of the report: class, demand statistics, per site (in the order the placement lists them) and totals. */
function workloadReport(model: Model, sim: Simulation, i: number, mine: { p: ReplayResult['pairs'][number]; k: number }[]): ReportWorkload {
  const { plan, result: res } = sim;
  const w = plan.workloads[i];
  const stats = sim.stats[i].demand;
  const cls = classify(w, sim.stats[i].base, model.settings);
  const perSite: ReportWorkload['sites'] = {};
  // In the order the placement lists the sites (overflow target last).
  const wp = plan.placement.workloads.get(w.name)!;
  const listed = [...wp.shares.keys(), ...(wp.overflowTo ? [wp.overflowTo] : [])];
  mine.sort((a, b) => listed.indexOf(res.sites[a.p.site].name) - listed.indexOf(res.sites[b.p.site].name));
  for (const { p, k } of mine) {
    perSite[res.sites[p.site].name] = { share: p.share, role: p.role, peakInstances: res.pairPeakInstances[k], peakUtilization: r4(res.pairPeakUtilization[k]), cost: r2(res.pairCost[k]), unservedRequests: r2(res.pairUnserved[k]) };
  }
  return {
    name: w.name, class: cls.class, classReason: cls.reason, unit: w.unit,
    demand: { peak: r3(stats.peak), p95: r3(stats.p95), mean: r3(stats.mean), median: r3(stats.median), coefficientOfVariation: r4(stats.coefficientOfVariation), peakToMedian: fin(stats.peakToMedian, r4) },
    sites: perSite,
    unservedRequests: r2(res.workloadUnserved[i]), sloViolationSteps: res.workloadViolations[i], cost: r2(res.workloadCost[i]),
  };
}

/** A scenario event as the report lists it, times in ISO 8601. */
function reportEvent(e: ScenarioEvent): Report['events'][number] {
  switch (e.type) {
    case 'siteOutage': return { type: e.type, site: e.site, start: iso(e.start), end: iso(e.start + e.duration) };
    case 'zoneOutage': return { type: e.type, site: e.site, zone: e.zone, start: iso(e.start), end: iso(e.start + e.duration) };
    case 'addHosts': return { type: e.type, site: e.site, aggregate: e.aggregate, start: iso(e.at), hosts: e.hosts };
    default: return { type: e.type, site: e.site, start: iso(e.at), multiplier: e.multiplier };
  }
}

/**
 * The five steps (an hour apart at least) with the most unserved demand, measured without adding
 * units: each workload's unserved rate as a share of its own peak demand, summed over workloads
 * (the replay's stepShortfall); ties by time.
 */
function worstMoments(sim: Simulation): Report['worstMoments'] {
  const { result: res, plan } = sim;
  const short = res.stepShortfall;
  const idx: number[] = [];
  for (let t = 0; t < res.steps; t++) if (res.stepUnserved[t] > 1e-9) idx.push(t);
  idx.sort((a, b) => short[b] - short[a] || a - b);
  const picked: number[] = [];
  const gap = Math.max(1, Math.round(3600 / plan.horizon.step));
  for (const t of idx) {
    if (picked.some((p) => Math.abs(p - t) < gap)) continue;
    picked.push(t);
    if (picked.length === 5) break;
  }
  return picked.map((t) => ({ time: iso(plan.horizon.start + t * plan.horizon.step), shortfallOfPeak: r4(short[t]), unservedRate: r3(res.stepUnserved[t]), workloadsInViolation: res.stepViolations[t] }));
}

/**
 * Headroom of each OpenStack site in every resource it is counted in (as the sites table's
 * binding resource and the editor's headroom-below-target): spare = 1 − peak need / installed
 * capacity, unrounded. Below the placement's headroomTarget, the hosts that bring each short
 * resource's peak need back under 1 − target of the capacity (after the scenario's host
 * changes), each resource counted in the largest host that has it; the most any resource asks.
 * From the need, not the allocation: where demand did not fit, what ran understates it.
 */
function headroomRecommendations(sim: Simulation, sites: ReportSite[]): Recommendation[] {
  const target = sim.plan.placement.headroomTarget;
  const res = sim.result;
  const out: Recommendation[] = [];
  res.sites.forEach((site, s) => {
    if (site.type !== 'openstack' || !sites[s].binding) return;
    const spare = (r: number) => 1 - res.sitePeakNeed[s][r];
    const short = res.siteResources[s].filter((r) => !spareMeets(spare(r), target)).sort((a, b) => spare(a) - spare(b) || a - b);
    if (!short.length) return;
    const capacity = schedulableAfterEvents(site, sim.plan.scenario.events);
    let add = 0;
    for (const r of short) {
      const key = RESOURCES[r];
      const perHost = Math.max(0, ...site.aggregates.map((g) => hostSchedulable(g)[key]));
      if (perHost > 0) add = Math.max(add, Math.ceil((res.sitePeakNeedAbs[s][r] / (1 - target) - capacity[key]) / perHost - 1e-9));
    }
    const label = (r: number) => RESOURCE_LABEL[RESOURCES[r]];
    const spareText = (r: number) => (Number.isFinite(spare(r)) ? `${sparePct(spare(r), target)} spare ${label(r)} at its peak` : `${label(r)} demand at a step with none installed`);
    const [bind, ...rest] = short;
    const also = rest.length ? `; also short: ${rest.map(spareText).join(', ')}` : '';
    out.push({ kind: 'headroom', target: site.name, saving: 0, hostsToAdd: add,
      message: `${site.name} has ${spareText(bind)} (${label(bind)} binds${also}), below the ${targetPct(target)} headroom target; ` +
        (add > 0 ? `about ${add} more host(s) restore it` : "the scenario's host changes restore it once they come") });
  });
  return out;
}

function classificationRecommendations(sim: Simulation, workloads: ReportWorkload[]): Recommendation[] {
  const out: Recommendation[] = [];
  for (const w of workloads) {
    let priv = 0;
    for (const [sName, v] of Object.entries(w.sites)) if (sim.result.sites.find((s) => s.name === sName)?.type === 'openstack') priv += v.share;
    if (w.class === 'steady' && priv < 50) out.push({ kind: 'classification', target: w.name, saving: 0, message: `${w.name} is steady (${w.classReason}) but only ${priv} % of it runs on private sites; steady load is cheapest on owned hosts` });
    const overflow = sim.plan.placement.workloads.get(w.name)?.overflowTo;
    if ((w.class === 'bursty' || w.class === 'experimental') && priv > 50 && !overflow) out.push({ kind: 'classification', target: w.name, saving: 0, message: `${w.name} is ${w.class} (${w.classReason}) but ${priv} % of it runs on private sites; its peaks size hosts that idle the rest of the time` });
  }
  return out;
}

function buildSeries(sim: Simulation): ReportSeries {
  const { result: res, plan } = sim;
  const arr = (a: Float64Array) => Array.from(a, r3);
  const sites: ReportSeries['sites'] = {};
  res.sites.forEach((site, s) => {
    const byWorkload: Record<string, number[]> = {};
    const shapes: Record<string, Resources> = {};
    res.pairs.forEach((p, k) => {
      if (p.site !== s) return;
      const w = plan.workloads[p.workload];
      byWorkload[w.name] = arr(res.pairRunningVcpus[k]);
      shapes[w.name] = unitResources(site, w);
    });
    const ss = res.siteSeries[s];
    const resources = res.siteResources[s].map((r) => RESOURCES[r]);
    // vCPU always; the other counted resources as capacityMemoryMiB, allocatedVgpus, … (report-types.ts)
    const out: Record<string, unknown> = { capacityVcpus: arr(ss.capacity[0]), allocatedVcpus: arr(ss.allocated[0]), neededVcpus: arr(ss.needed[0]), byWorkload, shapes, resources };
    for (const r of res.siteResources[s]) {
      if (r === 0) continue;
      const key = RESOURCES[r][0].toUpperCase() + RESOURCES[r].slice(1);
      out[`capacity${key}`] = arr(ss.capacity[r]);
      out[`allocated${key}`] = arr(ss.allocated[r]);
      out[`needed${key}`] = arr(ss.needed[r]);
    }
    sites[site.name] = out as ReportSeries['sites'][string];
  });
  const workloads: ReportSeries['workloads'] = {};
  plan.workloads.forEach((w, i) => {
    workloads[w.name] = { demandMax: arr(res.workloadDemandMax[i]), demandMean: arr(res.workloadDemandMean[i]), unservedRequests: arr(res.workloadUnservedSeries[i]) };
  });
  return {
    start: iso(plan.horizon.start),
    bucketSeconds: res.bucketSize * plan.horizon.step,
    buckets: res.siteSeries[0]?.capacity[0].length ?? 0,
    sites,
    workloads,
    monthlyCost: monthlyCostOf(sim),
  };
}

/**
 * Cost per calendar month (calendar-months.ts): by site, by workload, and by workload and site
 * (its pairs in pair order), rounded to cents. Kept by the replay whatever its chart buckets, so
 * a run without series (the diff's) has it too.
 */
export function monthlyCostOf(sim: Simulation): MonthlyCost {
  const { result: res, plan } = sim;
  const byWorkloadSite: MonthlyCost['byWorkloadSite'] = Object.fromEntries(plan.workloads.map((w) => [w.name, {}]));
  res.pairs.forEach((p, k) => {
    byWorkloadSite[plan.workloads[p.workload].name][res.sites[p.site].name] = Array.from(res.pairMonthCost[k], r2);
  });
  return {
    months: res.months.map((m) => m.label),
    partial: res.months.map((m) => m.partial),
    coveredSeconds: res.months.map((m) => m.coveredSeconds),
    bySite: Object.fromEntries(res.sites.map((s, i) => [s.name, Array.from(res.siteMonthCost[i], r2)])),
    byWorkload: Object.fromEntries(plan.workloads.map((w, i) => [w.name, Array.from(res.workloadMonthCost[i], r2)])),
    byWorkloadSite,
  };
}

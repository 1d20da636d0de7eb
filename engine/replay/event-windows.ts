/**
 * A scenario's events as step windows for the replay (format.md, "Scenario" and "Replay
 * semantics"): an outage of a site or a zone runs from floor((start − h.start) / Δ) to
 * ceil((start + duration − h.start) / Δ); its lost share is unserved for the first
 * detectionSeconds, a fraction min(remaining, Δ) / Δ per step (siteDet; for a zone, zoneLoss
 * weighs it by the zone's share of the site's CPUs); host additions and price changes apply
 * from ceil((at − h.start) / Δ). `changes` are the steps where any of them starts or ends.
 */
import { hostSchedulable } from '../capacity/nova-capacity';
import type { Horizon, OpenStackSite, ScenarioEvent, Site } from '../model/model';
import { hostChange, hostsAfterEvents } from './failover';

type AddHostsEvent = Extract<ScenarioEvent, { type: 'addHosts' }>;

const EPS = 1e-9;

export interface OutageWindow { site: number; zone?: string; from: number; to: number; detection: Float64Array | undefined }

export interface EventWindows {
  outages: OutageWindow[];
  addHosts: { site: number; agg: number; hosts: number; from: number }[];
  prices: { site: number; mult: number; from: number }[];
  /** Steps where something starts or ends, ascending, 0 first. */
  changes: number[];
  /** Per site (zone outages): the fraction of its traffic sent to dead instances during detection, per step. */
  zoneLoss: (Float64Array | undefined)[];
  /** Per site (site outages): the detection fraction per step. */
  siteDet: (Float64Array | undefined)[];
}

function stepOf(h: Horizon, t: number, round: 'floor' | 'ceil'): number {
  const x = (t - h.start) / h.step;
  return round === 'floor' ? Math.floor(x + EPS) : Math.ceil(x - EPS);
}

/** Detection fractions per step from the outage start: min(remaining, Δ) / Δ. */
function detectionFractions(detectionSeconds: number, step: number): Float64Array {
  const n = Math.ceil(detectionSeconds / step - EPS);
  const out = new Float64Array(n);
  let left = detectionSeconds;
  for (let i = 0; i < n; i++) {
    out[i] = Math.min(left, step) / step;
    left -= step;
  }
  return out;
}

/**
 * Hosts per aggregate of an openstack site at step t: hostsAfterEvents over the scenario's
 * addHosts that apply from a step ≤ t, as the replay applies them; with how many hosts the
 * scenario has added by then and in all (negative: removed), counted as the replay counts them
 * (hostChange: removing more hosts than an aggregate has removes the ones it has).
 */
export function hostsAtStep(site: OpenStackSite, events: readonly ScenarioEvent[], h: Horizon, t: number): { hosts: number[]; added: number; addedInAll: number } {
  const mine = events.filter((e) => e.type === 'addHosts' && e.site === site.name && site.aggregates.some((g) => g.name === e.aggregate)) as AddHostsEvent[];
  const inBy = mine.filter((e) => Math.max(0, stepOf(h, e.at, 'ceil')) <= t);
  const hosts = hostsAfterEvents(site, inBy);
  return { hosts, added: hostChange(site, hosts), addedInAll: hostChange(site, hostsAfterEvents(site, mine)) };
}

export function eventWindows(sites: readonly Site[], siteIndex: ReadonlyMap<string, number>, events: readonly ScenarioEvent[], h: Horizon, steps: number, detectionSeconds: number): EventWindows {
  const dt = h.step;
  const outages: OutageWindow[] = [];
  const addHosts: { site: number; agg: number; hosts: number; from: number }[] = [];
  const prices: { site: number; mult: number; from: number }[] = [];
  for (const e of events) {
    const s = siteIndex.get(e.site);
    if (s === undefined) continue;
    if (e.type === 'siteOutage' || e.type === 'zoneOutage') {
      const from = Math.max(0, stepOf(h, e.start, 'floor'));
      const to = Math.min(steps, stepOf(h, e.start + e.duration, 'ceil'));
      if (to <= 0 || from >= steps) continue;
      outages.push({ site: s, zone: e.type === 'zoneOutage' ? e.zone : undefined, from, to, detection: detectionFractions(detectionSeconds, dt) });
    } else if (e.type === 'addHosts') {
      const site = sites[s] as OpenStackSite;
      const agg = site.aggregates.findIndex((g) => g.name === e.aggregate);
      if (agg >= 0) addHosts.push({ site: s, agg, hosts: e.hosts, from: Math.max(0, stepOf(h, e.at, 'ceil')) });
    } else prices.push({ site: s, mult: e.multiplier, from: Math.max(0, stepOf(h, e.at, 'ceil')) });
  }
  const changes = [...new Set([0, ...outages.flatMap((o) => [o.from, o.to]), ...addHosts.map((a) => a.from), ...prices.map((p) => p.from)])].filter((t) => t < steps).sort((a, b) => a - b);
  // Zone detection loss: fraction of a site's traffic sent to dead instances during detection.
  const zoneLoss = sites.map(() => undefined as Float64Array | undefined);
  for (const o of outages) {
    if (!o.zone) continue;
    const site = sites[o.site] as OpenStackSite;
    let inZone = 0, all = 0;
    for (const g of site.aggregates) {
      const hs = hostSchedulable(g);
      const v = g.hosts * (hs.vcpus + hs.pcpus);
      all += v;
      if (g.availabilityZone === o.zone) inZone += v;
    }
    const frac = all > 0 ? inZone / all : 0;
    const arr = (zoneLoss[o.site] ??= new Float64Array(steps));
    for (let i = 0; i < o.detection!.length && o.from + i < o.to; i++) arr[o.from + i] = Math.min(1, arr[o.from + i] + frac * o.detection![i]);
  }
  // Site detection fractions per step (lost share unserved).
  const siteDet = sites.map(() => undefined as Float64Array | undefined);
  for (const o of outages) {
    if (o.zone) continue;
    const arr = (siteDet[o.site] ??= new Float64Array(steps));
    for (let i = 0; i < o.detection!.length && o.from + i < o.to; i++) arr[o.from + i] = Math.max(arr[o.from + i], o.detection![i]);
  }
  return { outages, addHosts, prices, changes, zoneLoss, siteDet };
}

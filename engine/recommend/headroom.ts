/**
 * Headroom per site over every resource it is counted in (format.md, "Every resource counts"):
 * spare = 1 − peak need / installed capacity, per resource, from the replay's own peak need
 * (unrounded, the figure the hosts to buy are planned from, so the two never show different
 * spares for one site; demand where nothing is installed has spare −∞); the binding resource is
 * the one with the least spare, and the site meets headroomTarget only if
 * every resource does. Against the largest single-site loss: the extra of every resource (vCPU,
 * memory, disk, PCPU, vGPU, PCI devices) the site must take at every workload's peak when another site is lost (shares redistributed
 * as in failover.ts), which fits only if it fits in every resource's spare. A spare is of the
 * capacity installed at the step of that resource's peak need: where the scenario adds hosts, the
 * capacity then (event-windows.ts, hostsAtStep), and the text says which of the added hosts were in.
 */
import { sharesWithout, unitResources } from '../replay/failover';
import { Horizon, Placement, ScenarioEvent, Site, Workload } from '../model/model';
import { hostsAtStep } from '../replay/event-windows';
import { siteSchedulable } from '../capacity/nova-capacity';
import { iso } from '../traffic/traffic';
import type { ReportSite } from '../report/report-types';
import { spareMeets, sparePct } from '../report/binding-text';
import type { ReplayResult } from '../replay/replay';

import { DEVICE_RESOURCES, RESOURCE_LABEL, RESOURCES, ResourceKey } from '../model/resource-classes';

export type Resource = ResourceKey;
const isDevice = (r: ResourceKey) => (DEVICE_RESOURCES as readonly string[]).includes(r);

export interface SiteHeadroom {
  site: string;
  /** Spare per counted resource (1 − peak need), in RESOURCES order, and the capacity installed at that peak. */
  spares: { resource: Resource; spare: number; capacity: number }[];
  binding: Resource | null;
  /** Where the scenario adds (or removes) hosts at this site: when the binding resource's peak need was, and the net change in by then and in all. */
  peakHosts?: { time: number; added: number; addedInAll: number };
  /** The binding resource's spare (the least). */
  spare: number | null;
  target: number;
  meetsTarget: boolean | null;
  /** The lost site that puts the most extra load here (by the share of capacity it takes), that load per resource, and whether it fits every spare. */
  worstLoss?: { site: string; extra: Partial<Record<Resource, number>>; extraVcpus: number; fits: boolean | null };
}

/** Site s of the replay `res` (capacities from its report site `rs`, or at the peak's step where the scenario's events add hosts). */
export function siteHeadroom(placement: Placement, workloads: readonly Workload[], peaks: ArrayLike<number>, site: Site, rs: ReportSite, res: ReplayResult, s: number, scenario: { events: readonly ScenarioEvent[]; horizon: Horizon }): SiteHeadroom {
  const target = placement.headroomTarget;
  const spares: SiteHeadroom['spares'] = [];
  const hostsAt = (r: number) => (site.type === 'openstack' && rs.capacityAfterEvents ? hostsAtStep(site, scenario.events, scenario.horizon, res.sitePeakNeedStep[s][r]) : undefined);
  for (const r of res.siteResources[s]) {
    const resource = RESOURCES[r];
    const then = hostsAt(r);
    const cap = then && site.type === 'openstack' ? siteSchedulable(site, (g) => then.hosts[g.index])[resource] : rs.capacity[resource];
    if (cap === null || cap === undefined) continue;
    spares.push({ resource, spare: 1 - res.sitePeakNeed[s][r], capacity: cap });
  }
  spares.sort((a, b) => RESOURCES.indexOf(a.resource) - RESOURCES.indexOf(b.resource));
  const least = spares.reduce<(typeof spares)[number] | undefined>((m, x) => (!m || x.spare < m.spare ? x : m), undefined);
  let peakHosts: SiteHeadroom['peakHosts'];
  if (least && site.type === 'openstack' && rs.capacityAfterEvents) {
    // when the peak came against the scenario's additions; hosts a recommendation buys now (index < 0) are in from the start
    const r = RESOURCES.indexOf(least.resource);
    const then = hostsAtStep(site, scenario.events.filter((e) => e.index >= 0), scenario.horizon, res.sitePeakNeedStep[s][r]);
    if (then.addedInAll !== 0) peakHosts = { time: scenario.horizon.start + res.sitePeakNeedStep[s][r] * scenario.horizon.step, added: then.added, addedInAll: then.addedInAll };
  }
  let worst: SiteHeadroom['worstLoss'];
  let worstShare = -1;
  const others = new Set<string>();
  for (const w of workloads) for (const s of placement.workloads.get(w.name)!.shares.keys()) if (s !== site.name) others.add(s);
  for (const lost of [...others].sort()) {
    const extra: Partial<Record<Resource, number>> = {};
    workloads.forEach((w, i) => {
      const before = placement.workloads.get(w.name)!.shares.get(site.name) ?? 0;
      const after = sharesWithout(placement, w.name, lost).get(site.name) ?? 0;
      if (after <= before) return;
      const instances = (peaks[i] * (after - before)) / 100 / (w.capacityPerInstance * w.targetUtilization);
      const unit = unitResources(site, w);
      // vCPU, memory and disk always, as before devices existed; PCPU, vGPU and PCI devices where the unit asks for them
      for (const r of RESOURCES) if (unit[r] > 0 || !isDevice(r)) extra[r] = (extra[r] ?? 0) + instances * unit[r];
    });
    // the loss that takes the largest share of some resource's capacity is the worst
    const share = Math.max(0, ...spares.map((x) => (x.capacity > 0 ? (extra[x.resource] ?? 0) / x.capacity : 0)), ...(spares.length ? [] : [extra.vcpus ?? 0]));
    if (share > worstShare) {
      worstShare = share;
      const fits = spares.length ? spares.every((x) => (extra[x.resource] ?? 0) <= x.capacity * Math.max(0, x.spare) + 1e-9) : null;
      worst = { site: lost, extra, extraVcpus: extra.vcpus ?? 0, fits };
    }
  }
  return {
    site: site.name, spares, binding: least?.resource ?? null, peakHosts, spare: least ? least.spare : null, target,
    meetsTarget: least ? spares.every((x) => spareMeets(x.spare, target)) : null, worstLoss: worst,
  };
}

/** ", on 2027-03-16 before the scenario's 8 added host(s)": when the binding peak was, where the scenario adds hosts to the site. */
function peakWhen(h: SiteHeadroom): string {
  const p = h.peakHosts;
  if (!p) return '';
  // addHosts may also take hosts away (a negative count)
  const hosts = `${Math.abs(p.addedInAll)} ${p.addedInAll > 0 ? 'added' : 'removed'} host(s)`;
  const which = p.added === 0 ? `before the scenario's ${hosts}` : p.added === p.addedInAll ? `with the scenario's ${hosts}` : `with ${Math.abs(p.added)} of the scenario's ${hosts}`;
  return `, on ${iso(p.time).slice(0, 10)} ${which}`;
}

/** "memory binds: 23.5 % spare at its peak (vCPU 68.3 %, disk 59.4 %)"; "vCPU binds: demand at a step with none installed (memory: none installed)" */
export function sparesText(h: SiteHeadroom): string {
  if (!h.binding || h.spare === null) return 'no capacity bound';
  // a spare that misses the target reads below it (binding-text.ts)
  const pct = (x: number) => (Number.isFinite(x) ? sparePct(x, h.target) : ': none installed');
  const rest = h.spares.filter((x) => x.resource !== h.binding).map((x) => `${RESOURCE_LABEL[x.resource]}${Number.isFinite(x.spare) ? ' ' : ''}${pct(x.spare)}`);
  const head = Number.isFinite(h.spare) ? `${pct(h.spare)} spare at its peak` : 'demand at a step with none installed';
  return `${RESOURCE_LABEL[h.binding]} binds: ${head}${rest.length ? ` (${rest.join(', ')})` : ''}${Number.isFinite(h.spare) ? peakWhen(h) : ''}`;
}

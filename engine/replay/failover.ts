/**
 * Static N-1 failover check (format.md, "Failover check"): for each site, whether the other
 * sites can carry every workload's peak demand with the lost share redistributed (in
 * proportion to the remaining shares; in active-passive mode the standbys take all; a workload
 * whose sites are all lost falls to its overflowTo site). Needs are sized like the replay,
 * n = ceil(D / (capacityPerInstance × targetUtilization)), all peaks at once (the conservative
 * reading), against capacity after the scenario's planned host additions. Shortfall per
 * workload in instances and what they would take (vCPU, memory, and PCPU and vGPU where asked).
 */
import { allocateByPriority } from '../capacity/allocation';
import { Model, OpenStackSite, Placement, Resources, ScenarioEvent, Site, Workload } from '../model/model';
import { flavorRequest, ZERO_RESOURCES } from '../model/resource-classes';
import { FlavorPacker } from '../capacity/nova-capacity';

/**
 * What a lost site leaves a workload short of: instances, and the vCPU and memory they would
 * take (and the PCPU and vGPU, when its flavor asks for them).
 */
export interface Shortfall { instances: number; vcpus: number; memoryMiB: number; pcpus?: number; vgpus?: number }
export interface FailoverResult { lostSite: string; survives: boolean; shortfall: Record<string, Shortfall> }

/**
 * What one instance of w takes on a site, per resource class: its flavor's request (openstack:
 * dedicated CPUs as PCPU, devices) or its instance type (public: vCPU and memory).
 */
export function unitResources(site: Site, w: Workload): Resources {
  if (site.type === 'openstack') {
    const f = site.flavors.find((x) => x.name === w.flavor);
    return f ? flavorRequest(f) : { ...ZERO_RESOURCES };
  }
  const t = site.instanceTypes.find((x) => x.name === w.instanceType);
  return { ...ZERO_RESOURCES, vcpus: t?.vcpus ?? 0, memoryMiB: t?.memoryMiB ?? 0 };
}

/** The instance's CPUs, shared (VCPU) or dedicated (PCPU): what "vCPU" counts for instances. */
export function unitVcpus(site: Site, w: Workload): number {
  const u = unitResources(site, w);
  return u.vcpus + u.pcpus;
}

/** n instances of unit u as a Shortfall (PCPU and vGPU only when asked for). */
function shortOf(n: number, u: Resources, prev?: Shortfall): Shortfall {
  const out: Shortfall = { instances: (prev?.instances ?? 0) + n, vcpus: (prev?.vcpus ?? 0) + n * u.vcpus, memoryMiB: (prev?.memoryMiB ?? 0) + n * u.memoryMiB };
  if (u.pcpus > 0 || prev?.pcpus !== undefined) out.pcpus = (prev?.pcpus ?? 0) + n * u.pcpus;
  if (u.vgpus > 0 || prev?.vgpus !== undefined) out.vgpus = (prev?.vgpus ?? 0) + n * u.vgpus;
  return out;
}

export function hostsAfterEvents(site: OpenStackSite, events: readonly ScenarioEvent[]): number[] {
  return site.aggregates.map((g) => Math.max(0, g.hosts + events.filter((e) => e.type === 'addHosts' && e.site === site.name && e.aggregate === g.name).reduce((m, e) => m + (e as { hosts: number }).hosts, 0)));
}

/** Shares (percent) of a workload once `lost` is gone; empty when nothing is left. */
export function sharesWithout(placement: Placement, workload: string, lost: string): Map<string, number> {
  const wp = placement.workloads.get(workload)!;
  const entries = [...wp.shares.entries()];
  const out = new Map<string, number>();
  if (placement.mode === 'active-passive') {
    const [primary] = entries[0] ?? [];
    if (primary !== lost) {
      if (primary !== undefined) out.set(primary, 100);
      return out;
    }
    const rest = entries.slice(1).filter(([s]) => s !== lost);
    const tot = rest.reduce((m, [, v]) => m + v, 0);
    for (const [s, v] of rest) out.set(s, tot > 0 ? (v * 100) / tot : 100 / rest.length);
  } else {
    const rest = entries.filter(([s, v]) => s !== lost && v > 0);
    const tot = rest.reduce((m, [, v]) => m + v, 0);
    for (const [s, v] of rest) out.set(s, (v * 100) / tot);
  }
  if (out.size === 0 && wp.overflowTo && wp.overflowTo !== lost) out.set(wp.overflowTo, 100);
  return out;
}

export function failoverCheck(model: Model, placement: Placement, workloads: readonly Workload[], peaks: ArrayLike<number>, events: readonly ScenarioEvent[] = []): FailoverResult[] {
  const used = new Set<string>();
  for (const w of workloads) for (const s of placement.workloads.get(w.name)!.shares.keys()) used.add(s);
  const results: FailoverResult[] = [];
  for (const lost of [...used].sort()) {
    const shortfall: Record<string, Shortfall> = {};
    // needs per remaining site
    const perSite = new Map<string, { w: number; n: number }[]>();
    workloads.forEach((w, i) => {
      const wp = placement.workloads.get(w.name)!;
      const shares = sharesWithout(placement, w.name, lost);
      const capEff = w.capacityPerInstance * w.targetUtilization;
      if (shares.size === 0) {
        const lostSite = model.sites.get(lost)!;
        const p = wp.shares.get(lost) ?? 0;
        const n = Math.max(Math.ceil((peaks[i] * p) / 100 / capEff - 1e-9), p > 0 ? w.minInstances : 0);
        shortfall[w.name] = shortOf(n, unitResources(lostSite, w));
        return;
      }
      for (const [s, p] of shares) {
        const n = Math.max(Math.ceil((peaks[i] * p) / 100 / capEff - 1e-9), p > 0 ? w.minInstances : 0);
        (perSite.get(s) ?? perSite.set(s, []).get(s)!).push({ w: i, n });
      }
      if (wp.shares.has(lost)) shortfall[w.name] ??= { instances: 0, vcpus: 0, memoryMiB: 0 };
    });
    for (const [sName, list] of [...perSite].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const site = model.sites.get(sName)!;
      const need = Float64Array.from(list.map((x) => x.n));
      const run = new Float64Array(list.length);
      const prio = Float64Array.from(list.map((x) => workloads[x.w].priority));
      const idx = list.map((_, i) => i);
      const units = list.map((x) => unitResources(site, workloads[x.w]));
      const v = units.map((u) => u.vcpus);
      if (site.type === 'openstack') {
        const packer = new FlavorPacker(site.aggregates, site.flavors);
        const hosts = hostsAfterEvents(site, events);
        const fi = list.map((x) => packer.indexOf(workloads[x.w].flavor ?? ''));
        const counts = new Float64Array(packer.flavors.length);
        const tmp = new Float64Array(packer.flavors.length);
        allocateByPriority({ pairs: idx, priority: prio, need, out: run, fits: (out) => {
          counts.fill(0);
          for (const i of idx) if (fi[i] >= 0) counts[fi[i]] += out[i];
          return packer.pack(hosts, counts, tmp) && idx.every((i) => fi[i] >= 0 || out[i] === 0);
        } });
      } else {
        const q = site.quota.vcpus;
        allocateByPriority({ pairs: idx, priority: prio, need, out: run, fits: (out) => q === undefined || idx.reduce((m, i) => m + out[i] * v[i], 0) <= q + 1e-9 });
      }
      list.forEach((x, i) => {
        const short = need[i] - run[i];
        if (short <= 0) return;
        const name = workloads[x.w].name;
        shortfall[name] = shortOf(short, units[i], shortfall[name]);
      });
    }
    const sorted = Object.fromEntries(Object.entries(shortfall).sort(([a], [b]) => (a < b ? -1 : 1)));
    results.push({ lostSite: lost, survives: Object.values(sorted).every((s) => s.instances === 0), shortfall: sorted });
  }
  return results;
}

/**
 * Static N-1 failover check (format.md, "Failover check"): for each site, whether the other
 * sites can carry every workload's peak demand with the lost share redistributed (in
 * proportion to the remaining shares; in active-passive mode the standbys take all; a workload
 * whose sites are all lost falls to its overflowTo site). Needs are sized like the replay,
 * n = ceil(D / (capacityPerInstance × targetUtilization)), all peaks at once (the conservative
 * reading), against capacity after the scenario's planned host additions. Shortfall per
 * workload in instances and vCPUs.
 */
import { allocateByPriority } from '../capacity/allocation';
import { Model, OpenStackSite, Placement, ScenarioEvent, Site, Workload } from '../model/model';
import { FlavorPacker } from '../capacity/nova-capacity';

/** What a lost site leaves a workload short of: instances, and the vCPU and memory they would take. */
export interface Shortfall { instances: number; vcpus: number; memoryMiB: number }
export interface FailoverResult { lostSite: string; survives: boolean; shortfall: Record<string, Shortfall> }

/** vCPU, memory and disk of one instance of w on a site: its flavor (openstack) or instance type (public; no disk). */
export function unitResources(site: Site, w: Workload): { vcpus: number; memoryMiB: number; diskGiB: number } {
  if (site.type === 'openstack') {
    const f = site.flavors.find((x) => x.name === w.flavor);
    return { vcpus: f?.vcpus ?? 0, memoryMiB: f?.memoryMiB ?? 0, diskGiB: f?.diskGiB ?? 0 };
  }
  const t = site.instanceTypes.find((x) => x.name === w.instanceType);
  return { vcpus: t?.vcpus ?? 0, memoryMiB: t?.memoryMiB ?? 0, diskGiB: 0 };
}

export function unitVcpus(site: Site, w: Workload): number {
  return unitResources(site, w).vcpus;
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
        const u = unitResources(lostSite, w);
        shortfall[w.name] = { instances: n, vcpus: n * u.vcpus, memoryMiB: n * u.memoryMiB };
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
        const prev = shortfall[name] ?? { instances: 0, vcpus: 0, memoryMiB: 0 };
        shortfall[name] = { instances: prev.instances + short, vcpus: prev.vcpus + short * v[i], memoryMiB: prev.memoryMiB + short * units[i].memoryMiB };
      });
    }
    const sorted = Object.fromEntries(Object.entries(shortfall).sort(([a], [b]) => (a < b ? -1 : 1)));
    results.push({ lostSite: lost, survives: Object.values(sorted).every((s) => s.instances === 0), shortfall: sorted });
  }
  return results;
}

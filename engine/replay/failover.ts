/**
 * Static N-1 failover check (format.md, "Failover check"): for each site, whether the other
 * sites can carry every workload's peak demand with the lost share redistributed (in
 * proportion to the remaining shares; in active-passive mode the standbys take all; a workload
 * whose sites are all lost falls to its overflowTo site). Needs are sized like the replay,
 * n = ceil(D / (capacityPerInstance × targetUtilization)) (instances-needed.ts), all peaks at
 * once (the conservative reading), against capacity after the scenario's planned host
 * additions. Shortfall per workload in instances and what they would take (vCPU, memory, and
 * PCPU and vGPU where asked).
 */
import { allocateByPriority } from '../capacity/allocation';
import { Model, OpenStackSite, Placement, Resources, ScenarioEvent, Site, Workload } from '../model/model';
import { flavorRequest, ZERO_RESOURCES } from '../model/resource-classes';
import { FlavorPacker, siteSchedulable } from '../capacity/nova-capacity';
import { instancesNeeded } from '../capacity/instances-needed';

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

/** How many hosts the site has beyond those configured (negative: fewer), from hostsAfterEvents' counts, which never remove more than an aggregate had. */
export function hostChange(site: OpenStackSite, hosts: readonly number[]): number {
  return hosts.reduce((m, n, g) => m + n - site.aggregates[g].hosts, 0);
}

/** The site's schedulable capacity once the scenario's host changes are in (hostsAfterEvents). */
export function schedulableAfterEvents(site: OpenStackSite, events: readonly ScenarioEvent[]): Resources {
  const hosts = hostsAfterEvents(site, events);
  return siteSchedulable(site, (g) => hosts[g.index]);
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
  const wps = workloads.map((w) => placement.workloads.get(w.name)!);
  for (const wp of wps) for (const s of wp.shares.keys()) used.add(s);
  // per workload, its shares as arrays (read once per lost site), and what one instance takes per site
  const shareSites = wps.map((wp) => [...wp.shares.keys()]);
  const sharePcts = wps.map((wp) => [...wp.shares.values()]);
  const units = new Map<string, (Resources | undefined)[]>();
  const unitOf = (site: Site, i: number): Resources => {
    let row = units.get(site.name);
    if (!row) units.set(site.name, (row = new Array(workloads.length)));
    return (row[i] ??= unitResources(site, workloads[i]));
  };
  const afterSites: string[] = [];
  const afterPcts: number[] = [];
  const results: FailoverResult[] = [];
  for (const lost of [...used].sort()) {
    const shortfall: Record<string, Shortfall> = {};
    // needs per remaining site
    const perSite = new Map<string, { w: number; n: number }[]>();
    for (let i = 0; i < workloads.length; i++) {
      const w = workloads[i];
      const wp = wps[i];
      const k = sharesAfterLoss(placement.mode, shareSites[i], sharePcts[i], wp.overflowTo, lost, afterSites, afterPcts);
      // as the replay counts them: the peak's share d × p / 100, its instances needed
      const invCapEff = 1 / (w.capacityPerInstance * w.targetUtilization);
      if (k === 0) {
        const p = wp.shares.get(lost) ?? 0;
        const n = instancesNeeded(peaks[i] * (p / 100), invCapEff, p > 0 ? w.minInstances : 0);
        shortfall[w.name] = shortOf(n, unitOf(model.sites.get(lost)!, i));
        continue;
      }
      for (let j = 0; j < k; j++) {
        const p = afterPcts[j];
        const n = instancesNeeded(peaks[i] * (p / 100), invCapEff, p > 0 ? w.minInstances : 0);
        let list = perSite.get(afterSites[j]);
        if (!list) perSite.set(afterSites[j], (list = []));
        list.push({ w: i, n });
      }
      if (wp.shares.has(lost)) shortfall[w.name] ??= { instances: 0, vcpus: 0, memoryMiB: 0 };
    }
    for (const [sName, list] of [...perSite].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const site = model.sites.get(sName)!;
      const L = list.length;
      const need = new Float64Array(L);
      const run = new Float64Array(L);
      const prio = new Float64Array(L);
      const idx: number[] = new Array(L);
      const unit: Resources[] = new Array(L);
      for (let i = 0; i < L; i++) {
        const w = workloads[list[i].w];
        need[i] = list[i].n;
        prio[i] = w.priority;
        idx[i] = i;
        unit[i] = unitOf(site, list[i].w);
      }
      if (site.type === 'openstack') fitOnHosts(site, list.map((x) => workloads[x.w].flavor ?? ''), hostsAfterEvents(site, events), idx, prio, need, run);
      else {
        const q = site.quota.vcpus;
        allocateByPriority({ pairs: idx, priority: prio, need, out: run, size: Float64Array.from(unit, (u) => u.vcpus), classes: 1, fits: (load) => q === undefined || load[0] <= q + 1e-9 });
      }
      for (let i = 0; i < L; i++) {
        const short = need[i] - run[i];
        if (short <= 0) continue;
        const name = workloads[list[i].w].name;
        shortfall[name] = shortOf(short, unit[i], shortfall[name]);
      }
    }
    const sorted = Object.fromEntries(Object.entries(shortfall).sort(([a], [b]) => (a < b ? -1 : 1)));
    results.push({ lostSite: lost, survives: Object.values(sorted).every((s) => s.instances === 0), shortfall: sorted });
  }
  return results;
}

/**
 * sharesWithout over arrays, into outSites / outPcts (the same sites, order and percentages):
 * returns how many. For the check's loop over every workload and lost site, without a Map each.
 */
export function sharesAfterLoss(mode: Placement['mode'], sites: readonly string[], pcts: readonly number[], overflowTo: string | undefined, lost: string, outSites: string[], outPcts: number[]): number {
  let k = 0;
  if (mode === 'active-passive') {
    const primary = sites[0];
    if (primary !== lost) {
      if (primary === undefined) return 0;
      outSites[0] = primary;
      outPcts[0] = 100;
      return 1;
    }
    let tot = 0;
    let rest = 0;
    for (let j = 1; j < sites.length; j++) if (sites[j] !== lost) {
      tot += pcts[j];
      rest++;
    }
    for (let j = 1; j < sites.length; j++) if (sites[j] !== lost) {
      outSites[k] = sites[j];
      outPcts[k++] = tot > 0 ? (pcts[j] * 100) / tot : 100 / rest;
    }
  } else {
    let tot = 0;
    for (let j = 0; j < sites.length; j++) if (sites[j] !== lost && pcts[j] > 0) tot += pcts[j];
    for (let j = 0; j < sites.length; j++) if (sites[j] !== lost && pcts[j] > 0) {
      outSites[k] = sites[j];
      outPcts[k++] = (pcts[j] * 100) / tot;
    }
  }
  if (k === 0 && overflowTo && overflowTo !== lost) {
    outSites[0] = overflowTo;
    outPcts[0] = 100;
    return 1;
  }
  return k;
}

/** What of `need` runs on an OpenStack site's hosts (the contention rule, Nova packing as the test): into `run`. */
function fitOnHosts(site: OpenStackSite, flavors: readonly string[], hosts: number[], idx: number[], prio: Float64Array, need: Float64Array, run: Float64Array): void {
  const packer = new FlavorPacker(site.aggregates, site.flavors);
  const fi = Int32Array.from(flavors, (f) => packer.indexOf(f));
  const F = packer.flavors.length;
  const tmp = new Float64Array(F);
  // the load: instances per flavor, and in one more class those of a flavor the site does not have, of which none runs
  allocateByPriority({ pairs: idx, priority: prio, need, out: run, classOf: fi.map((f) => (f >= 0 ? f : F)), classes: F + 1, fits: (counts) => counts[F] === 0 && packer.pack(hosts, counts, tmp) });
}

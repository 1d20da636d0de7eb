/**
 * How much replay work each site is, for where a split replay cuts (split-replay.ts): a weight
 * per pair and step, relative to an OpenStack pair whose site settles in one pass at every step
 * (settle-openstack.ts, openStackBound: the instances every workload needs at its largest demand
 * surely fit, FlavorPacker.surelyFits). Measured on one thread, 100 workloads × a year at 5 min,
 * two sites of a kind (medians of 8 alternating runs, 2026-11-27): two OpenStack sites that
 * surely fit took 237 ms, two public sites 372 ms (1.55: the autoscaling lag's ring and the
 * commitments' coverage at every step); the same OpenStack sites with fewer hosts, packed in the
 * chunks where the bound does not hold, 345 ms at 49 % of their disk at peak and 448 ms at 81 %
 * (1.9), and 1.8–2.3 s with 4 hosts an aggregate, where one site's demand (98 % of its disk at
 * peak) does not fit at most steps and the contention rule runs (allocation.ts; 3.1 s before it
 * kept the site's load).
 *
 * So an OpenStack site weighs 1 when its workloads' peaks surely fit and it can take the one-pass
 * path, else 1.9 (the one-pass path is closed to a site with devices to count, a pair without a
 * flavor or overflow sent to it). A site whose demand does not fit at most steps, with the
 * contention rule at each, can weigh far more (that site alone took 1.6–2.3 s, the other, at
 * 89 %, 0.25–0.38 s); surelyFits is a sufficient condition and cannot tell the two apart, so
 * that is not estimated, nor is a public site whose quota binds (one at every step: 2.7 s against
 * 0.19 s). Hosts are the model's: this estimates time, and any cut gives the same run. Without
 * the workloads' peaks every OpenStack site weighs 1.
 */
import type { ReplayInput } from './replay';
import type { PairPlan } from './pair-plan';
import { FlavorPacker, hostSchedulable } from '../capacity/nova-capacity';
import { instancesNeeded } from '../capacity/instances-needed';
import { DEVICE_RESOURCES, flavorRequest } from '../model/resource-classes';
import type { OpenStackSite } from '../model/model';

export const PUBLIC_WEIGHT = 1.55;
export const PACKED_WEIGHT = 1.9;

/** The replay work of each site of the plan: its pairs × the weight of one of its pairs. */
export function siteWork(input: ReplayInput, plan: PairPlan, peaks?: Float64Array): Float64Array {
  const work = new Float64Array(plan.sites.length);
  const weights = plan.sites.map((site, s) => (site.type === 'public' ? PUBLIC_WEIGHT : peaks ? openStackWeight(input, plan, s, site, peaks) : 1));
  for (const pr of plan.pairs) work[pr.site] += weights[pr.site];
  return work;
}

function openStackWeight(input: ReplayInput, plan: PairPlan, s: number, site: OpenStackSite, peaks: Float64Array): number {
  const packer = new FlavorPacker(site.aggregates, site.flavors);
  const hosts = Float64Array.from(site.aggregates, (g) => g.hosts);
  const pairs = plan.pairs.filter((pr) => pr.site === s);
  const flavorOf = pairs.map((pr) => packer.indexOf(input.workloads[pr.workload].flavor ?? ''));
  // what the replay's one-pass path is closed to (openStackBound)
  const placed = flavorOf.filter((f) => f >= 0).map((f) => flavorRequest(packer.flavors[f]));
  const devices = DEVICE_RESOURCES.some((r) => placed.some((q) => q[r] > 0) || site.aggregates.some((g) => g.hosts > 0 && hostSchedulable(g)[r] > 0));
  const receives = plan.overflowTarget.some((q) => q >= 0 && plan.pairs[q].site === s);
  const onePass = !devices && !receives && flavorOf.every((f) => f >= 0);
  if (!onePass) return PACKED_WEIGHT;
  const demand = new Float64Array(packer.flavors.length);
  pairs.forEach((pr, i) => {
    const wl = input.workloads[pr.workload];
    const min = pr.role === 'overflow' || pr.share <= 0 ? 0 : wl.minInstances;
    demand[flavorOf[i]] += instancesNeeded(peaks[pr.workload] * (pr.share / 100), 1 / (wl.capacityPerInstance * wl.targetUtilization), min);
  });
  return packer.surelyFits(hosts, demand) ? 1 : PACKED_WEIGHT;
}

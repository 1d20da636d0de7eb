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
 * that is not estimated. A public site whose quota binds runs the contention rule too: one site
 * of that workspace with a quota of 900 vCPUs, binding at nearly every step, took 3.3–3.7 s
 * against 0.33–0.37 s with its quota far above its demand (best of 2 in one process, 3
 * alternating rounds), so it weighs 10 × 1.55 when the quota is passed at the workloads' median
 * demand; at 1,200 vCPUs, passed only near the peak, it took what the roomy one did, so passing it
 * at the peak alone changes nothing. Hosts and quotas are the model's: this estimates time, and
 * any cut gives the same run. Without the workloads' demand levels every OpenStack site weighs 1
 * and every public one 1.55.
 */
import type { ReplayInput } from './replay';
import type { PairPlan } from './pair-plan';
import { FlavorPacker, resourceVector } from '../capacity/nova-capacity';
import { instancesNeeded } from '../capacity/instances-needed';
import { flavorRequest, R_PCPU } from '../model/resource-classes';
import { openStackResources, pairMinInstances } from './replay-state';
import type { OpenStackSite, PublicSite } from '../model/model';

export const PUBLIC_WEIGHT = 1.55;
export const PACKED_WEIGHT = 1.9;
export const QUOTA_BOUND_WEIGHT = 10 * PUBLIC_WEIGHT;

/** Each workload's largest and median demand over the run (simulate.ts, its demand statistics). */
export interface DemandLevels {
  peak: Float64Array;
  median: Float64Array;
}

/** The replay work of each site of the plan: its pairs × the weight of one of its pairs. */
export function siteWork(input: ReplayInput, plan: PairPlan, levels?: DemandLevels): Float64Array {
  const work = new Float64Array(plan.sites.length);
  const weights = plan.sites.map((site, s) => {
    if (!levels) return site.type === 'public' ? PUBLIC_WEIGHT : 1;
    return site.type === 'public' ? publicWeight(input, plan, s, site, levels.median) : openStackWeight(input, plan, s, site, levels.peak);
  });
  for (const pr of plan.pairs) work[pr.site] += weights[pr.site];
  return work;
}

/** The instances pair p needs at its workload's demand level (instances-needed.ts, as the replay counts them; a split run is active-active). */
function neededAt(input: ReplayInput, pr: PairPlan['pairs'][number], level: Float64Array): number {
  const wl = input.workloads[pr.workload];
  return instancesNeeded(level[pr.workload] * (pr.share / 100), 1 / (wl.capacityPerInstance * wl.targetUtilization), pairMinInstances(pr, wl.minInstances, false));
}

function publicWeight(input: ReplayInput, plan: PairPlan, s: number, site: PublicSite, median: Float64Array): number {
  const quota = site.quota.vcpus;
  if (quota === undefined) return PUBLIC_WEIGHT;
  let vcpus = 0;
  for (const pr of plan.pairs) {
    if (pr.site !== s) continue;
    const type = site.instanceTypes.find((t) => t.name === input.workloads[pr.workload].instanceType);
    vcpus += neededAt(input, pr, median) * (type?.vcpus ?? 0);
  }
  return vcpus > quota ? QUOTA_BOUND_WEIGHT : PUBLIC_WEIGHT;
}

function openStackWeight(input: ReplayInput, plan: PairPlan, s: number, site: OpenStackSite, peaks: Float64Array): number {
  const packer = new FlavorPacker(site.aggregates, site.flavors);
  const hosts = Float64Array.from(site.aggregates, (g) => g.hosts);
  const pairs = plan.pairs.filter((pr) => pr.site === s);
  const flavorOf = pairs.map((pr) => packer.indexOf(input.workloads[pr.workload].flavor ?? ''));
  // what the replay's one-pass path is closed to (openStackBound)
  const placed = flavorOf.filter((f) => f >= 0).map((f) => resourceVector(flavorRequest(packer.flavors[f])));
  const devices = openStackResources(site, (r) => placed.some((q) => q[r] > 0)).some((r) => r >= R_PCPU);
  const receives = plan.overflowTarget.some((q) => q >= 0 && plan.pairs[q].site === s);
  const onePass = !devices && !receives && flavorOf.every((f) => f >= 0);
  if (!onePass) return PACKED_WEIGHT;
  const demand = new Float64Array(packer.flavors.length);
  pairs.forEach((pr, i) => (demand[flavorOf[i]] += neededAt(input, pr, peaks)));
  return packer.surelyFits(hosts, demand) ? 1 : PACKED_WEIGHT;
}

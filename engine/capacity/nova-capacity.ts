/**
 * OpenStack capacity as Nova's scheduler and the Placement service compute it
 * (shared/spec/format.md, "Site type: openstack"):
 *
 *   schedulable_r = hosts × (host_r − reserved_r) × allocationRatio_r        per aggregate, resource r
 *   fit per host  = min over r with f_r > 0 of floor((host_r − reserved_r) × allocationRatio_r / f_r)
 *
 * Defaults are Nova's: reserved {vcpus 0, memory 512 MiB, disk 0} (reserved_host_*),
 * allocation ratios {cpu 4.0, ram 1.0, disk 1.0} (initial_*_allocation_ratio since 2023.1).
 * Several flavors on shared hosts are packed host by host, first fit, largest flavor first;
 * hosts of one aggregate are identical, so runs of identical hosts are packed as one block
 * (at most 1 + 2F blocks per aggregate for F flavors), which keeps a packing O(A·F²).
 */
import { Aggregate, Flavor, OpenStackSite, Resources } from '../model/model';

/**
 * One inventory's capacity: int((total − reserved) × allocation_ratio), never below 0, exactly as
 * Placement computes it in IEEE doubles (placement/objects/inventory.py, capacity; its allocation
 * check compares the same unrounded product): 100 × 0.29 = 28.999999999999996 is 28 slots.
 */
export function placementCapacity(total: number, reserved: number, allocationRatio: number): number {
  return Math.max(0, Math.trunc((total - reserved) * allocationRatio));
}

/** Per-host schedulable resources, each by placementCapacity. */
export function hostSchedulable(g: Aggregate): Resources {
  return {
    vcpus: placementCapacity(g.host.vcpus, g.reserved.vcpus, g.allocationRatio.cpu),
    memoryMiB: placementCapacity(g.host.memoryMiB, g.reserved.memoryMiB, g.allocationRatio.ram),
    diskGiB: placementCapacity(g.host.diskGiB, g.reserved.diskGiB, g.allocationRatio.disk),
  };
}

/** schedulable_r of an aggregate (with an optional host count other than its own). */
export function aggregateSchedulable(g: Aggregate, hosts = g.hosts): Resources {
  const h = hostSchedulable(g);
  return { vcpus: hosts * h.vcpus, memoryMiB: hosts * h.memoryMiB, diskGiB: hosts * h.diskGiB };
}

export function siteSchedulable(site: OpenStackSite, hostsOf: (g: Aggregate) => number = (g) => g.hosts): Resources {
  const out = { vcpus: 0, memoryMiB: 0, diskGiB: 0 };
  for (const g of site.aggregates) {
    const r = aggregateSchedulable(g, hostsOf(g));
    out.vcpus += r.vcpus;
    out.memoryMiB += r.memoryMiB;
    out.diskGiB += r.diskGiB;
  }
  return out;
}

function fitCount(freeV: number, freeM: number, freeD: number, f: Flavor): number {
  let n = Infinity;
  if (f.vcpus > 0) n = Math.min(n, Math.floor(freeV / f.vcpus + 1e-9));
  if (f.memoryMiB > 0) n = Math.min(n, Math.floor(freeM / f.memoryMiB + 1e-9));
  if (f.diskGiB > 0) n = Math.min(n, Math.floor(freeD / f.diskGiB + 1e-9));
  return n === Infinity ? 0 : Math.max(0, n);
}

/** Instances of flavor f that fit one host of the aggregate. */
export function instancesPerHost(g: Aggregate, f: Flavor): number {
  const h = hostSchedulable(g);
  return fitCount(h.vcpus, h.memoryMiB, h.diskGiB, f);
}

/** An aggregate's instance capacity for one flavor alone: hosts × instancesPerHost. */
export function aggregateInstances(g: Aggregate, f: Flavor, hosts = g.hosts): number {
  return hosts * instancesPerHost(g, f);
}

/** Largest first: vCPUs, then memory, then disk, then name (a fixed tie break). */
export function compareFlavorsLargestFirst(a: Flavor, b: Flavor): number {
  return b.vcpus - a.vcpus || b.memoryMiB - a.memoryMiB || b.diskGiB - a.diskGiB || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * A reusable first-fit packer for one site. `flavors` are sorted largest first once; pack()
 * allocates nothing, so it can run every step of a replay.
 */
export class FlavorPacker {
  readonly flavors: Flavor[];
  private readonly hostFree: Float64Array; // per aggregate: vcpus, mem, disk of one empty host
  private readonly maxBlocks: number;
  private readonly bN: Float64Array;
  private readonly bV: Float64Array;
  private readonly bM: Float64Array;
  private readonly bD: Float64Array;
  private readonly rem: Float64Array;

  constructor(readonly aggregates: readonly Aggregate[], flavors: readonly Flavor[]) {
    this.flavors = [...flavors].sort(compareFlavorsLargestFirst);
    this.hostFree = new Float64Array(aggregates.length * 3);
    aggregates.forEach((g, i) => {
      const h = hostSchedulable(g);
      this.hostFree[i * 3] = h.vcpus;
      this.hostFree[i * 3 + 1] = h.memoryMiB;
      this.hostFree[i * 3 + 2] = h.diskGiB;
    });
    this.maxBlocks = 1 + 2 * this.flavors.length + 2;
    this.bN = new Float64Array(this.maxBlocks);
    this.bV = new Float64Array(this.maxBlocks);
    this.bM = new Float64Array(this.maxBlocks);
    this.bD = new Float64Array(this.maxBlocks);
    this.rem = new Float64Array(this.flavors.length);
  }

  /** Index of a flavor name in the packer's (sorted) order, or −1. */
  indexOf(name: string): number {
    return this.flavors.findIndex((f) => f.name === name);
  }

  /**
   * Packs demand[f] instances of each flavor (packer order) onto hosts[a] hosts of each
   * aggregate. Writes placed[f] and returns true when everything fits.
   */
  pack(hosts: ArrayLike<number>, demand: ArrayLike<number>, placed: Float64Array): boolean {
    const F = this.flavors.length;
    const rem = this.rem;
    let left = 0;
    for (let f = 0; f < F; f++) {
      rem[f] = demand[f];
      left += demand[f];
    }
    const { bN, bV, bM, bD } = this;
    for (let a = 0; a < this.aggregates.length && left > 0; a++) {
      const n = hosts[a];
      if (!(n > 0)) continue;
      let blocks = 1;
      bN[0] = n;
      bV[0] = this.hostFree[a * 3];
      bM[0] = this.hostFree[a * 3 + 1];
      bD[0] = this.hostFree[a * 3 + 2];
      for (let f = 0; f < F; f++) {
        if (rem[f] <= 0) continue;
        const fl = this.flavors[f];
        for (let b = 0; b < blocks && rem[f] > 0; b++) {
          const c = fitCount(bV[b], bM[b], bD[b], fl);
          if (c === 0) continue;
          if (rem[f] >= c * bN[b]) {
            rem[f] -= c * bN[b];
            left -= c * bN[b];
            bV[b] -= c * fl.vcpus;
            bM[b] -= c * fl.memoryMiB;
            bD[b] -= c * fl.diskGiB;
            continue;
          }
          // Split the run: q hosts take c, one host takes the remainder r, the rest take none.
          const q = Math.floor(rem[f] / c);
          const r = rem[f] - q * c;
          const restN = bN[b] - q - (r > 0 ? 1 : 0);
          const parts = (q > 0 ? 1 : 0) + (r > 0 ? 1 : 0) + (restN > 0 ? 1 : 0);
          const shift = parts - 1;
          for (let k = blocks - 1; k > b; k--) {
            bN[k + shift] = bN[k]; bV[k + shift] = bV[k]; bM[k + shift] = bM[k]; bD[k + shift] = bD[k];
          }
          const v0 = bV[b], m0 = bM[b], d0 = bD[b];
          let k = b;
          if (q > 0) { bN[k] = q; bV[k] = v0 - c * fl.vcpus; bM[k] = m0 - c * fl.memoryMiB; bD[k] = d0 - c * fl.diskGiB; k++; }
          if (r > 0) { bN[k] = 1; bV[k] = v0 - r * fl.vcpus; bM[k] = m0 - r * fl.memoryMiB; bD[k] = d0 - r * fl.diskGiB; k++; }
          if (restN > 0) { bN[k] = restN; bV[k] = v0; bM[k] = m0; bD[k] = d0; k++; }
          blocks += shift;
          left -= rem[f];
          rem[f] = 0;
        }
      }
    }
    for (let f = 0; f < F; f++) placed[f] = demand[f] - rem[f];
    return left <= 0;
  }
}

/** Instance capacity per flavor of a whole site, each flavor alone (the report's `capacity.instances`). */
export function siteInstanceCapacity(site: OpenStackSite, hostsOf: (g: Aggregate) => number = (g) => g.hosts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of [...site.flavors].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    out[f.name] = site.aggregates.reduce((s, g) => s + aggregateInstances(g, f, hostsOf(g)), 0);
  }
  return out;
}

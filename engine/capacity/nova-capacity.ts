/**
 * OpenStack capacity as Nova's scheduler and the Placement service compute it
 * (shared/spec/format.md, "Site type: openstack"):
 *
 *   schedulable_r = hosts × (host_r − reserved_r) × allocationRatio_r        per aggregate, resource r
 *   fit per host  = min over r with f_r > 0 of floor((host_r − reserved_r) × allocationRatio_r / f_r)
 *
 * r ranges over every resource class of model/resource-classes.ts (VCPU, MEMORY_MB, DISK_GB,
 * PCPU, VGPU, PCI_DEVICE); f_r is what one instance asks of Placement (flavorRequest).
 *
 * Defaults are Nova's: reserved {vcpus 0, memory 512 MiB, disk 0} (reserved_host_*),
 * allocation ratios {cpu 4.0, ram 1.0, disk 1.0} (initial_*_allocation_ratio since 2023.1).
 * Several flavors on shared hosts are packed host by host, first fit, largest flavor first;
 * hosts of one aggregate are identical, so runs of identical hosts are packed as one block
 * (at most 1 + 2F blocks per aggregate for F flavors), which keeps a packing O(A·F²). A bound
 * on what first fit can leave over (FlavorPacker.surelyFits) skips the packing where demand is
 * well within the hosts: the replay packs every site at every step.
 */
import { Aggregate, Flavor, OpenStackSite, Resources } from '../model/model';
import { addScaled, flavorRequest, NR, RATIO_FIELD, RESOURCES, ZERO_RESOURCES } from '../model/resource-classes';

/**
 * One inventory's capacity: int((total − reserved) × allocation_ratio), never below 0, exactly as
 * Placement computes it in IEEE doubles (placement/objects/inventory.py, capacity; its allocation
 * check compares the same unrounded product): 100 × 0.29 = 28.999999999999996 is 28 slots.
 */
export function placementCapacity(total: number, reserved: number, allocationRatio: number): number {
  return Math.max(0, Math.trunc((total - reserved) * allocationRatio));
}

/** Per-host schedulable resources, each class by placementCapacity. */
export function hostSchedulable(g: Aggregate): Resources {
  const out = { ...ZERO_RESOURCES };
  for (const r of RESOURCES) out[r] = placementCapacity(g.host[r], g.reserved[r], g.allocationRatio[RATIO_FIELD[r]]);
  return out;
}

/** schedulable_r of an aggregate (with an optional host count other than its own). */
export function aggregateSchedulable(g: Aggregate, hosts = g.hosts): Resources {
  return addScaled(ZERO_RESOURCES, hostSchedulable(g), hosts);
}

export function siteSchedulable(site: OpenStackSite, hostsOf: (g: Aggregate) => number = (g) => g.hosts): Resources {
  let out: Resources = { ...ZERO_RESOURCES };
  for (const g of site.aggregates) out = addScaled(out, hostSchedulable(g), hostsOf(g));
  return out;
}

/** Amounts in RESOURCES order. */
export function resourceVector(x: Resources): Float64Array {
  return Float64Array.from(RESOURCES, (r) => x[r]);
}

/** Every resource class, for a fit over all of them. */
const ALL_DIMS = Int32Array.from(RESOURCES, (_r, i) => i);

/**
 * How many requests req[reqAt..] fit free[freeAt..] (NR amounts each), counting only the classes
 * asked for; `dims` lists the classes worth looking at (those some flavor asks for).
 */
function fitCount(free: Float64Array, freeAt: number, req: Float64Array, reqAt: number, dims: Int32Array = ALL_DIMS): number {
  let n = Infinity;
  for (let i = 0; i < dims.length; i++) {
    const r = dims[i];
    const q = req[reqAt + r];
    if (q > 0) n = Math.min(n, Math.floor(free[freeAt + r] / q + 1e-9));
  }
  return n === Infinity ? 0 : Math.max(0, n);
}

/**
 * Whether Placement would offer the aggregate's hosts to the flavor: every required trait there
 * and no forbidden one (the trait:NAME=required|forbidden extra specs).
 */
export function traitsAllow(g: Aggregate, f: Flavor): boolean {
  return f.requiredTraits.every((t) => g.traits.includes(t)) && !f.forbiddenTraits.some((t) => g.traits.includes(t));
}

/** Instances of flavor f that fit one host of the aggregate (0 where its traits rule the aggregate out). */
export function instancesPerHost(g: Aggregate, f: Flavor): number {
  if (!traitsAllow(g, f)) return 0;
  return fitCount(resourceVector(hostSchedulable(g)), 0, resourceVector(flavorRequest(f)), 0);
}

/** An aggregate's instance capacity for one flavor alone: hosts × instancesPerHost. */
export function aggregateInstances(g: Aggregate, f: Flavor, hosts = g.hosts): number {
  return hosts * instancesPerHost(g, f);
}

/** Largest first: devices (vGPU, PCI), then CPUs, memory, disk, then name (a fixed tie break). */
export function compareFlavorsLargestFirst(a: Flavor, b: Flavor): number {
  return b.vgpus - a.vgpus || b.pciDevices - a.pciDevices || b.vcpus - a.vcpus || b.memoryMiB - a.memoryMiB || b.diskGiB - a.diskGiB || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * A reusable first-fit packer for one site. `flavors` are sorted largest first once; pack()
 * allocates nothing, so it can run every step of a replay.
 */
export class FlavorPacker {
  readonly flavors: Flavor[];
  private readonly hostFree: Float64Array; // per aggregate: one empty host's schedulable amounts (NR each)
  private readonly req: Float64Array; // per flavor (packer order): what one instance asks (NR each)
  private readonly maxBlocks: number;
  private readonly bN: Float64Array; // hosts in each block
  private readonly bFree: Float64Array; // what each of a block's hosts has free (NR each)
  private readonly orig: Float64Array; // a block's free amounts before it is split
  private readonly rem: Float64Array;
  /** The classes some flavor asks for: the only ones a fit or an update has to touch. */
  private readonly dims: Int32Array;
  /** allowed[a × F + f]: the flavor's trait specs let it on the aggregate's hosts. */
  private readonly allowed: Uint8Array;
  /** slack[a × F + f]: min over the classes f asks for of 1 − f_r / host_r (an empty host's share left once f is on it). */
  private readonly slack: Float64Array;
  private readonly total: Float64Array; // scratch: the demand's amount per class

  constructor(readonly aggregates: readonly Aggregate[], flavors: readonly Flavor[]) {
    this.flavors = [...flavors].sort(compareFlavorsLargestFirst);
    this.hostFree = new Float64Array(aggregates.length * NR);
    aggregates.forEach((g, i) => this.hostFree.set(resourceVector(hostSchedulable(g)), i * NR));
    this.req = new Float64Array(this.flavors.length * NR);
    this.flavors.forEach((f, i) => this.req.set(resourceVector(flavorRequest(f)), i * NR));
    this.maxBlocks = 1 + 2 * this.flavors.length + 2;
    this.bN = new Float64Array(this.maxBlocks);
    this.bFree = new Float64Array(this.maxBlocks * NR);
    this.orig = new Float64Array(NR);
    this.rem = new Float64Array(this.flavors.length);
    this.dims = Int32Array.from(RESOURCES.map((_r, i) => i).filter((i) => this.flavors.some((_f, k) => this.req[k * NR + i] > 0)));
    this.allowed = Uint8Array.from(aggregates.flatMap((g) => this.flavors.map((f) => (traitsAllow(g, f) ? 1 : 0))));
    this.slack = new Float64Array(aggregates.length * this.flavors.length);
    for (let a = 0; a < aggregates.length; a++) {
      for (let f = 0; f < this.flavors.length; f++) {
        let m = 1;
        for (let r = 0; r < NR; r++) {
          const q = this.req[f * NR + r];
          if (q > 0) m = Math.min(m, 1 - q / this.hostFree[a * NR + r]); // −Infinity where the host has none
        }
        this.slack[a * this.flavors.length + f] = m;
      }
    }
    this.total = new Float64Array(NR);
  }

  /** Index of a flavor name in the packer's (sorted) order, or −1. */
  indexOf(name: string): number {
    return this.flavors.findIndex((f) => f.name === name);
  }

  /**
   * Packs demand[f] instances of each flavor (packer order) onto hosts[a] hosts of each
   * aggregate. Writes placed[f] and returns true when everything fits. The same as packFirstFit,
   * without packing when surelyFits says everything fits.
   */
  pack(hosts: ArrayLike<number>, demand: ArrayLike<number>, placed: Float64Array): boolean {
    if (this.surelyFits(hosts, demand)) {
      for (let f = 0; f < this.flavors.length; f++) placed[f] = demand[f];
      return true;
    }
    return this.packFirstFit(hosts, demand, placed);
  }

  /**
   * A sufficient condition for packFirstFit to place every instance. Were some of flavor f left
   * over, every host f may use would have been too full for one more f when f was packed there,
   * and used amounts only grow: some class r with used_r > host_r − f_r, so Σ_r used_r / host_r >
   * slack(a, f) on each such host. Summed over those hosts, with U_r the amount placed of class r
   * (at most the demand's D_r) and m_r the least host_r among aggregates with hosts:
   * Σ_r D_r / m_r ≥ Σ_hosts Σ_r used_r / host_r > Σ_a allowed hosts_a × slack(a, f). So when
   * Σ_r D_r / m_r ≤ Σ_a allowed hosts_a × slack(a, f) for every flavor asked for, nothing is left
   * over. (test/nova-capacity.test.ts checks it against packFirstFit on random sites.)
   */
  surelyFits(hosts: ArrayLike<number>, demand: ArrayLike<number>): boolean {
    const F = this.flavors.length;
    const A = this.aggregates.length;
    const { req, hostFree, dims, total, slack } = this;
    total.fill(0);
    for (let f = 0; f < F; f++) {
      const n = demand[f];
      if (n > 0) for (let i = 0; i < dims.length; i++) total[dims[i]] += n * req[f * NR + dims[i]];
    }
    let load = 0; // Σ_r D_r / m_r
    for (let i = 0; i < dims.length; i++) {
      const r = dims[i];
      if (total[r] === 0) continue;
      let least = Infinity;
      for (let a = 0; a < A; a++) if (hosts[a] > 0 && hostFree[a * NR + r] < least) least = hostFree[a * NR + r];
      if (!(least > 0 && least < Infinity)) return false;
      load += total[r] / least;
    }
    for (let f = 0; f < F; f++) {
      if (!(demand[f] > 0)) continue;
      let room = 0;
      for (let a = 0; a < A; a++) {
        if (!(hosts[a] > 0) || !this.allowed[a * F + f]) continue;
        const m = slack[a * F + f];
        if (!(m > 0)) return false; // f fills (or cannot take) one of these hosts alone: pack
        room += hosts[a] * m;
      }
      // a margin for rounding in the sums above
      if (!(load <= room * (1 - 1e-9) - 1e-9)) return false;
    }
    return true;
  }

  /** Packs as pack() says, host block by host block, first fit, largest flavor first. */
  packFirstFit(hosts: ArrayLike<number>, demand: ArrayLike<number>, placed: Float64Array): boolean {
    const F = this.flavors.length;
    const rem = this.rem;
    let left = 0;
    for (let f = 0; f < F; f++) {
      rem[f] = demand[f];
      left += demand[f];
    }
    const { bN, bFree, req, orig, dims } = this;
    const D = dims.length;
    for (let a = 0; a < this.aggregates.length && left > 0; a++) {
      const n = hosts[a];
      if (!(n > 0)) continue;
      let blocks = 1;
      bN[0] = n;
      for (let r = 0; r < NR; r++) bFree[r] = this.hostFree[a * NR + r];
      for (let f = 0; f < F; f++) {
        if (rem[f] <= 0 || !this.allowed[a * F + f]) continue;
        const fq = f * NR;
        for (let b = 0; b < blocks && rem[f] > 0; b++) {
          const c = fitCount(bFree, b * NR, req, fq, dims);
          if (c === 0) continue;
          if (rem[f] >= c * bN[b]) {
            rem[f] -= c * bN[b];
            left -= c * bN[b];
            for (let i = 0; i < D; i++) bFree[b * NR + dims[i]] -= c * req[fq + dims[i]];
            continue;
          }
          // Split the run: q hosts take c, one host takes the remainder x, the rest take none.
          const q = Math.floor(rem[f] / c);
          const x = rem[f] - q * c;
          const restN = bN[b] - q - (x > 0 ? 1 : 0);
          const parts = (q > 0 ? 1 : 0) + (x > 0 ? 1 : 0) + (restN > 0 ? 1 : 0);
          const shift = parts - 1;
          for (let k = blocks - 1; k > b; k--) {
            bN[k + shift] = bN[k];
            bFree.copyWithin((k + shift) * NR, k * NR, (k + 1) * NR);
          }
          for (let r = 0; r < NR; r++) orig[r] = bFree[b * NR + r];
          let k = b;
          if (q > 0) { bN[k] = q; for (let r = 0; r < NR; r++) bFree[k * NR + r] = orig[r] - c * req[fq + r]; k++; }
          if (x > 0) { bN[k] = 1; for (let r = 0; r < NR; r++) bFree[k * NR + r] = orig[r] - x * req[fq + r]; k++; }
          if (restN > 0) { bN[k] = restN; for (let r = 0; r < NR; r++) bFree[k * NR + r] = orig[r]; k++; }
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

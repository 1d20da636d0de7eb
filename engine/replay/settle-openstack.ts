/**
 * One step of an OpenStack site (format.md, "Replay semantics"): instances needed per pair,
 * n = max(minInstances, ceil(D / (capacityPerInstance × targetUtilization))); what runs is n
 * when every flavor's count packs onto the hosts up (nova-capacity.ts), else the contention rule
 * (allocation.ts: priority first, then in proportion to need, as far as the packer fits); then
 * each pair settles (settle-pair.ts), the site's cost per step is shown back by allocated CPUs
 * (VCPU and PCPU: the instance's vCPUs; what is not allocated is idle cost), and every counted
 * resource records its allocated and needed amounts (replay-series.ts).
 *
 * That takes two passes over the site's pairs: the instances needed, the packing, then the
 * settle. Where the busiest step of the demand chunk surely packs (openStackBound), every step
 * of it runs what it needs and settles in one pass (settleWithinBound), with the same sums in the
 * same order: on 100 workloads × 2 OpenStack sites × a year at 5 min, one thread's replay of the
 * two sites took 270–420 ms against 360–700 ms in two passes (alternating runs on this noisy VM).
 */
import { allocateByPriority } from '../capacity/allocation';
import { NR, R_DISK, R_MEMORY, R_VCPU } from '../model/resource-classes';
import { EPS, MONTH, ReplayState } from './replay-state';
import { resourcePoint, siteSeriesPoint } from './replay-series';
import { pairSettler } from './settle-pair';
import { instancesNeeded } from '../capacity/instances-needed';

/** Site s's step t: row is the step's offset in the demand chunk (st.demandRows); anyDown, whether a site is down somewhere. */
export type SiteStep = (s: number, t: number, row: number, anyDown: boolean) => void;

/**
 * The step of an OpenStack site, as a closure over the run's arrays made once per replay (see
 * settle-pair.ts on why). For site s at step t, demandRows[row + pcol[p]] is pair p's workload's demand; with a
 * site down somewhere (anyDown) D[p] already holds the redistributed share (outage-redistribution.ts).
 */
export function openStackStepper(st: ReplayState): SiteStep {
  const settlePair = pairSettler(st);
  // EPS as a constant of this closure, which V8 folds; the module's binding is loaded and unboxed at every use
  const eps = EPS;

  // Each function reads the arrays it loops over into locals first: a loop over captured
  // variables reloads them from the closure's context on every pair.

  // the step's choice of path, small enough for V8 to inline into the replay's step
  return function stepOpenStack(s, t, row, anyDown) {
    if (!anyDown && st.boundFits[s] === 1) {
      settleWithinBound(s, t, row);
      st.onePassSteps[0]++;
    } else stepTwoPass(s, t, row, anyDown);
  };

  /** The instances needed, the packing (or the contention rule), then the settle: the step when the chunk's bound does not hold. */
  function stepTwoPass(s: number, t: number, row: number, anyDown: boolean): void {
    const { siteFirst, D, overflowIn, pcol, baseShare, invCapEff, minInst, need, run, flavorIdx, packers, hosts, placed, flavorDemand, receivesOverflow, siteDown, demandRows: dRow } = st;
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const inflow = receivesOverflow[s] === 1;
    const fd = flavorDemand[s];
    fd.fill(0);
    for (let p = p0; p < p1; p++) {
      const dd = (anyDown ? D[p] : (D[p] = dRow[row + pcol[p]] * baseShare[p])) + (inflow ? overflowIn[p] : 0);
      const n = instancesNeeded(dd, invCapEff[p], minInst[p], eps);
      need[p] = n;
      const f = flavorIdx[p];
      if (f >= 0) fd[f] += n;
    }
    let allFit = false;
    if (siteDown[s] === 1) for (let p = p0; p < p1; p++) { run[p] = 0; need[p] = 0; }
    else if (packers[s]!.pack(hosts[s], fd, placed[s])) allFit = true;
    else contend(s);
    settle(s, t, allFit);
  }

  /** Not everything fits: the contention rule over the site's pairs, with the packer as the test of what fits. */
  function contend(s: number): void {
    const { flavorIdx, priority, need, run, packers, hosts } = st;
    const sp = st.sitePairs[s];
    const packer = packers[s]!;
    const tmp = new Float64Array(packer.flavors.length);
    // the load: instances per flavor (packer order)
    allocateByPriority({
      pairs: sp.filter((p) => flavorIdx[p] >= 0),
      priority, need, out: run, classOf: flavorIdx, classes: packer.flavors.length,
      fits: (counts) => packer.pack(hosts[s], counts, tmp),
    });
    for (const p of sp) if (flavorIdx[p] < 0) run[p] = 0;
  }

  /**
   * allFit: everything needed fits, so running = needed (set here, saving a pass). vCPU, memory
   * and disk are summed in the loop itself; PCPU, vGPU and PCI devices only at sites counted in them.
   */
  function settle(s: number, t: number, allFit: boolean): void {
    const { siteFirst, run, need, D, overflowIn, flavorIdx, reqV, reqM, reqD, req, vcpus, allocR, needR, zoneLoss, siteDevices, siteHasPcpu, siteFlavored, res } = st;
    const pairCost = res.pairCost;
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const zl = zoneLoss[s] ? zoneLoss[s]![t] : 0;
    const perCpu = costPerCpu(s);
    const dev = siteDevices[s];
    const nDev = dev.length;
    const pinned = siteHasPcpu[s] === 1; // else every instance's vCPUs are its VCPU
    let allocV = 0, allocM = 0, allocD = 0, needV = 0, needM = 0, needD = 0, allocCpu = 0;
    if (allFit && siteFlavored[s] === 1) {
      // every pair runs what it needs: allocated = needed, the same sums in the same order
      for (let p = p0; p < p1; p++) {
        const n = need[p];
        run[p] = n;
        settlePair(p, t, zl, D[p] + overflowIn[p], n);
        const v = n * reqV[p];
        needV += v;
        needM += n * reqM[p];
        needD += n * reqD[p];
        const cpu = pinned ? n * vcpus[p] : v;
        allocCpu += cpu;
        pairCost[p] += perCpu * cpu;
      }
      allocV = needV;
      allocM = needM;
      allocD = needD;
    } else {
      for (let p = p0; p < p1; p++) {
        if (allFit) run[p] = flavorIdx[p] >= 0 ? need[p] : 0;
        const r = run[p];
        settlePair(p, t, zl, D[p] + overflowIn[p], r);
        const n = need[p];
        const v = r * reqV[p];
        allocV += v;
        allocM += r * reqM[p];
        allocD += r * reqD[p];
        needV += n * reqV[p];
        needM += n * reqM[p];
        needD += n * reqD[p];
        // Showback by allocated CPUs (VCPU and PCPU: the instance's vCPUs); what is not allocated is idle cost.
        const cpu = pinned ? r * vcpus[p] : v;
        allocCpu += cpu;
        pairCost[p] += perCpu * cpu;
      }
    }
    // PCPU, vGPU and PCI devices: a second pass, only at sites counted in them
    for (let i = 0; i < nDev; i++) {
      const k = dev[i];
      let a = 0, q = 0;
      for (let p = p0; p < p1; p++) {
        a += run[p] * req[p * NR + k];
        q += need[p] * req[p * NR + k];
      }
      allocR[k] = a;
      needR[k] = q;
    }
    allocR[R_VCPU] = allocV;
    allocR[R_MEMORY] = allocM;
    allocR[R_DISK] = allocD;
    needR[R_VCPU] = needV;
    needR[R_MEMORY] = needM;
    needR[R_DISK] = needD;
    st.stepTotals[0] = allocCpu;
    record(s, t);
  }

  /**
   * Every pair runs what it needs, known before the step (openStackBound): each pair's instances
   * needed and its settle in one pass, with the same sums in the same order as settle's.
   */
  function settleWithinBound(s: number, t: number, row: number): void {
    const { siteFirst, pcol, baseShare, invCapEff, minInst, reqV, reqM, reqD, vcpus, allocR, needR, zoneLoss, siteHasPcpu, res, demandRows: dRow } = st;
    const pairCost = res.pairCost;
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const zl = zoneLoss[s] ? zoneLoss[s]![t] : 0;
    const perCpu = costPerCpu(s);
    const pinned = siteHasPcpu[s] === 1;
    let needV = 0, needM = 0, needD = 0, allocCpu = 0;
    for (let p = p0; p < p1; p++) {
      const dd = dRow[row + pcol[p]] * baseShare[p];
      const n = instancesNeeded(dd, invCapEff[p], minInst[p], eps);
      settlePair(p, t, zl, dd, n);
      const v = n * reqV[p];
      needV += v;
      needM += n * reqM[p];
      needD += n * reqD[p];
      const cpu = pinned ? n * vcpus[p] : v;
      allocCpu += cpu;
      pairCost[p] += perCpu * cpu;
    }
    allocR[R_VCPU] = needR[R_VCPU] = needV;
    allocR[R_MEMORY] = needR[R_MEMORY] = needM;
    allocR[R_DISK] = needR[R_DISK] = needD;
    st.stepTotals[0] = allocCpu;
    record(s, t);
  }

  /** Site s's cost per step per CPU installed (VCPU + PCPU): each allocated CPU's showback, the rest idle. */
  function costPerCpu(s: number): number {
    const inst = st.schedCpuInstalled[s];
    return inst > 0 ? st.privateStep[s] / inst : 0;
  }

  /** The step's cost at site s (showback by the CPUs in stepTotals[0]), and each counted resource's allocated and needed amounts (allocR, needR). */
  function record(s: number, t: number): void {
    const { allocR, needR, siteDevices, siteHasDisk, capUp, res } = st;
    const stepCost = st.privateStep[s];
    const perCpu = costPerCpu(s);
    const dev = siteDevices[s];
    const nDev = dev.length;
    res.siteIdleCost[s] += stepCost - perCpu * st.stepTotals[0];
    res.siteCost[s] += stepCost;
    res.siteMonthCost[s][st.cursor[MONTH]] += stepCost;
    const disk = siteHasDisk[s];
    resourcePoint(st, s, t, R_VCPU, allocR[R_VCPU], needR[R_VCPU]);
    resourcePoint(st, s, t, R_MEMORY, allocR[R_MEMORY], needR[R_MEMORY]);
    if (disk) resourcePoint(st, s, t, R_DISK, allocR[R_DISK], needR[R_DISK]);
    for (let i = 0; i < nDev; i++) resourcePoint(st, s, t, dev[i], allocR[dev[i]], needR[dev[i]]);
    if (st.B) {
      const cu = capUp[s];
      siteSeriesPoint(st, s, R_VCPU, cu[R_VCPU], allocR[R_VCPU], needR[R_VCPU]);
      siteSeriesPoint(st, s, R_MEMORY, cu[R_MEMORY], allocR[R_MEMORY], needR[R_MEMORY]);
      if (disk) siteSeriesPoint(st, s, R_DISK, cu[R_DISK], allocR[R_DISK], needR[R_DISK]);
      for (let i = 0; i < nDev; i++) siteSeriesPoint(st, s, dev[i], cu[dev[i]], allocR[dev[i]], needR[dev[i]]);
    }
  }
}

/**
 * Whether, for the rest of the demand chunk, every step of OpenStack site s runs what each pair
 * needs without packing: the instances needed at each workload's largest demand of the chunk
 * (columnMax: demand-chunks.ts) surely fit (FlavorPacker.surelyFits). Instances needed grow with
 * demand (a product, a difference and a ceiling, each monotone in IEEE arithmetic), and so does
 * surelyFits' load, so every step's counts surely fit too, and pack() would say so: the step then
 * settles in one pass (settleWithinBound). Only at sites with a flavor for every pair, no
 * overflow sent to them and no PCPU, vGPU or PCI devices to count; the replay asks at each chunk
 * and change point, and steps with a site down never use it.
 */
export function openStackBound(st: ReplayState, s: number, columnMax: Float64Array): boolean {
  const { siteFirst, pcol, baseShare, invCapEff, minInst, flavorIdx, packers, hosts, flavorDemand, siteFlavored, siteDevices, receivesOverflow, siteDown } = st;
  const packer = packers[s];
  if (!packer || siteFlavored[s] !== 1 || siteDevices[s].length > 0 || receivesOverflow[s] === 1 || siteDown[s] === 1) return false;
  const fd = flavorDemand[s];
  fd.fill(0);
  for (let p = siteFirst[s]; p < siteFirst[s + 1]; p++) {
    fd[flavorIdx[p]] += instancesNeeded(columnMax[pcol[p]] * baseShare[p], invCapEff[p], minInst[p]);
  }
  return packer.surelyFits(hosts[s], fd);
}

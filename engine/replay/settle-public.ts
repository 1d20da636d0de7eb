/**
 * One step of a public site (format.md, "Replay semantics"): instances needed per pair as on
 * OpenStack; running r(t) = n(t − k), k = ceil(scaleOutDelaySeconds / Δ) (autoscaling.ts), none
 * while the site is down; capped by quota.vcpus with the contention rule (allocation.ts). Costs:
 * committed instances are paid always at their own price (a later price change does not touch
 * them); running non-spot instances up to the committed count are covered by them, shared in
 * proportion to running instances, each covered one carrying its share of the commitment; the
 * rest pay on-demand or spot × the price multiplier, plus egress per request served.
 *
 * That takes two passes over the site's pairs: what runs (and the quota's contention, and how
 * many of each type run, for the commitments), then the settle. With an autoscaling lag (k ≥ 1)
 * what runs at step t was needed at t − k, and its totals are kept then (needSums), so unless
 * the quota binds the step settles in one pass (settleLagged), with the same sums in the same
 * order.
 */
import { allocateByPriority } from '../capacity/allocation';
import { EPS, MONTH, ReplayState } from './replay-state';
import { R_VCPU } from '../model/resource-classes';
import { resourcePoint, siteSeriesPoint } from './replay-series';
import { pairSettler } from './settle-pair';
import { instancesNeeded } from '../capacity/instances-needed';
import type { SiteStep } from './settle-openstack';

/** The step of a public site, as a closure over the run's arrays made once per replay (settle-pair.ts says why). */
export function publicStepper(st: ReplayState): SiteStep {
  const settlePair = pairSettler(st);
  // EPS as a constant of this closure, which V8 folds; the module's binding is loaded and unboxed at every use
  const eps = EPS;

  // the step's choice of path, small enough for V8 to inline into the replay's step
  return function stepPublic(s, t, row, anyDown) {
    if (!anyDown && t > 0 && st.onePass[0] === 1 && st.needSumsAt[s] >= 0 && settleLagged(s, t, row)) st.onePassSteps[1]++;
    else stepTwoPass(s, t, row, anyDown);
  };

  /** What runs (the lag's ring, the quota's contention), then the settle: the step when settleLagged does not serve. */
  function stepTwoPass(s: number, t: number, row: number, anyDown: boolean): void {
    const { siteFirst, D, overflowIn, pcol, baseShare, invCapEff, minInst, need, run, typeIdx, coverIdx, vcpus, lags, lagRing: ring, typeRunning, quotaOf, receivesOverflow, siteDown, demandRows: dRow } = st;
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const down = siteDown[s] === 1;
    const inflow = receivesOverflow[s] === 1;
    let used = 0;
    const lag = lags[s]!;
    lag.begin(t);
    // the lag's ring read and written here, not through a call per pair
    const writeAt = lag.writeAt - p0;
    const readAt = lag.readAt - p0;
    const tr = typeRunning[s];
    tr.fill(0);
    // running instances per type slot, added up in a local while consecutive pairs share a slot:
    // whole counts, so the sums are exact in any grouping; an update of tr per pair was a
    // dependency through memory from one pair to the next
    let slot = p1 > p0 ? coverIdx[p0] : 0;
    let inSlot = 0;
    for (let p = p0; p < p1; p++) {
      // A lost site's autoscaler keeps tracking the load of its nominal share, so that its
      // capacity is there when the site returns and traffic moves back.
      let dd: number;
      if (!anyDown) dd = (D[p] = dRow[row + pcol[p]] * baseShare[p]) + (inflow ? overflowIn[p] : 0);
      else dd = down ? dRow[row + pcol[p]] * baseShare[p] : D[p] + overflowIn[p];
      const n = instancesNeeded(dd, invCapEff[p], minInst[p], eps);
      need[p] = n;
      ring[writeAt + p] = n;
      const r = ring[readAt + p]; // n(t − k): autoscaling.ts
      const k = typeIdx[p];
      const v = down || k < 0 ? 0 : r;
      run[p] = v;
      used += v * vcpus[p];
      const ci = coverIdx[p]; // spot and no type in the last slot, not counted
      if (ci !== slot) {
        tr[slot] += inSlot;
        slot = ci;
        inSlot = 0;
      }
      inSlot += v;
    }
    tr[slot] += inSlot;
    lag.end(t, ring);
    if (st.needSumsAt[s] >= 0) keepNeedSums(s, t);
    const quota = quotaOf[s];
    if (used > quota + EPS) {
      contendQuota(s, quota);
      tr.fill(0);
      for (let p = p0; p < p1; p++) tr[coverIdx[p]] += run[p];
    }
    settle(s, t);
  }

  /** Over the vCPU quota: the contention rule over the site's pairs, against the quota. */
  function contendQuota(s: number, quota: number): void {
    const { run, vcpus, priority } = st;
    const sp = st.sitePairs[s];
    const want = Float64Array.from(run);
    // the load: vCPUs, one class
    allocateByPriority({ pairs: sp, priority, need: want, out: run, size: vcpus, classes: 1, fits: (load) => load[0] <= quota + EPS });
  }

  function settle(s: number, t: number): void {
    const { siteFirst, run, need, D, overflowIn, vcpus, coverIdx, priceHourly, egressPerReq, servedNow, priceMult, rate, coverScratch: covFrac, commitScratch: unitCommit, slotAt, hours, dt, res } = st;
    const pairCost = res.pairCost;
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const k2 = hours * rate[s];
    const odMult = priceMult[s] * k2;
    const egMult = dt * priceMult[s] * rate[s];
    coverage(s, t);
    let stepCost = st.stepTotals[0];
    const at = slotAt[s];
    let allocV = 0, needV = 0, shown = 0;
    for (let p = p0; p < p1; p++) {
      const r = run[p];
      settlePair(p, t, 0, D[p] + overflowIn[p], r);
      const served = servedNow[p];
      allocV += r * vcpus[p];
      needV += need[p] * vcpus[p];
      // spot and no type: coverIdx's last slot, covered 0 and 0 per covered instance
      const ci = at + coverIdx[p];
      const covered = r * covFrac[ci];
      let variable = egressPerReq[p] * served * egMult;
      variable += (r - covered) * priceHourly[p] * odMult;
      let c = covered * unitCommit[ci];
      c += variable;
      stepCost += variable;
      pairCost[p] += c;
      shown += c;
    }
    keep(stepCost, shown, allocV, needV);
    record(s, t);
  }

  /**
   * The autoscaling lag makes what runs at step t known k steps ahead: the vCPUs and per type
   * slot the instances the site's pairs needed at t − k (needSums, kept at every step). Unless
   * that passes the quota, step t settles in one pass: each pair's instances needed (for the
   * ring), what runs (from the ring) and its settle, the same sums in the same order as
   * stepPublic's and settle's. False, with nothing of the run written, when the quota binds.
   */
  function settleLagged(s: number, t: number, row: number): boolean {
    const { siteFirst, pcol, baseShare, overflowIn, receivesOverflow, invCapEff, minInst, typeIdx, coverIdx, vcpus, lags, lagRing: ring, typeRunning, quotaOf, needSums: sums, needSumsAt, priceHourly, egressPerReq, servedNow, priceMult, rate, coverScratch: covFrac, commitScratch: unitCommit, slotAt, hours, dt, res, demandRows: dRow } = st;
    const lag = lags[s]!;
    lag.begin(t);
    const width = lag.k + 1;
    const tr = typeRunning[s];
    const stride = tr.length + 1;
    const at = needSumsAt[s];
    const ra = at + ((((t - lag.k) % width) + width) % width) * stride;
    if (sums[ra] > quotaOf[s] + eps) return false;
    for (let k = 0; k < tr.length; k++) tr[k] = sums[ra + 1 + k];
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const writeAt = lag.writeAt - p0;
    const readAt = lag.readAt - p0;
    const wa = at + (t % width) * stride;
    for (let k = wa; k < wa + stride; k++) sums[k] = 0; // a few slots: a call of fill ran about 140 instructions
    const pairCost = res.pairCost;
    const k2 = hours * rate[s];
    const odMult = priceMult[s] * k2;
    const egMult = dt * priceMult[s] * rate[s];
    coverage(s, t);
    let stepCost = st.stepTotals[0];
    const cb = slotAt[s];
    const inflow = receivesOverflow[s] === 1; // what the sites before it sent is in overflowIn by now
    let allocV = 0, needV = 0, shown = 0, needCpu = 0;
    // instances needed per type slot, added up in a local while consecutive pairs share a slot (as stepPublic does)
    let slot = p1 > p0 ? coverIdx[p0] : 0;
    let inSlot = 0;
    for (let p = p0; p < p1; p++) {
      const share = dRow[row + pcol[p]] * baseShare[p];
      const dd = inflow ? share + overflowIn[p] : share;
      // instancesNeeded (instances-needed.ts) written out: called here, V8's code for this loop ran
      // 6 % more instructions on the public sites (cachegrind), though it inlines it; the equality
      // tests (one-pass.test.ts) hold this to stepPublic's count, which calls it
      let n = dd > 0 ? Math.ceil(dd * invCapEff[p] - eps) : 0;
      if (n < minInst[p]) n = minInst[p];
      const typed = typeIdx[p] >= 0;
      const r = typed ? ring[readAt + p] : 0; // n(t − k), read before n(t) is written (k ≥ 1: another slot)
      ring[writeAt + p] = n;
      const vc = vcpus[p];
      const ci = coverIdx[p];
      if (typed) needCpu += n * vc;
      if (ci !== slot) {
        sums[wa + 1 + slot] += inSlot;
        slot = ci;
        inSlot = 0;
      }
      if (typed) inSlot += n;
      settlePair(p, t, 0, dd, r);
      const served = servedNow[p];
      allocV += r * vc;
      needV += n * vc;
      const covered = r * covFrac[cb + ci];
      let variable = egressPerReq[p] * served * egMult;
      variable += (r - covered) * priceHourly[p] * odMult;
      let c = covered * unitCommit[cb + ci];
      c += variable;
      stepCost += variable;
      pairCost[p] += c;
      shown += c;
    }
    sums[wa + 1 + slot] += inSlot;
    sums[wa] = needCpu;
    keep(stepCost, shown, allocV, needV);
    record(s, t);
    return true;
  }

  /** After stepPublic's first pass: the step's needed vCPUs and instances per type slot (typed pairs) into needSums; at step 0 into every slot, as the ring. */
  function keepNeedSums(s: number, t: number): void {
    const { siteFirst, need, typeIdx, coverIdx, vcpus, lags, needSums: sums, needSumsAt, typeRunning } = st;
    const width = lags[s]!.k + 1;
    const at = needSumsAt[s];
    const stride = typeRunning[s].length + 1;
    const wa = at + (t % width) * stride;
    sums.fill(0, wa, wa + stride);
    let needCpu = 0;
    for (let p = siteFirst[s]; p < siteFirst[s + 1]; p++) {
      if (typeIdx[p] < 0) continue;
      needCpu += need[p] * vcpus[p];
      sums[wa + 1 + coverIdx[p]] += need[p];
    }
    sums[wa] = needCpu;
    if (t === 0) for (let k = 1; k < width; k++) sums.copyWithin(at + k * stride, at, at + stride);
  }

  /** The commitments' share of step t at site s: each type's covered share and cost per covered instance (coverScratch, commitScratch) from typeRunning; their cost into stepTotals[0] (a double returned would be boxed). */
  function coverage(s: number, t: number): void {
    const { typeRunning, commit, rate, coverScratch: covFrac, commitScratch: unitCommit, slotAt, typeRunSeries, hours } = st;
    const tr = typeRunning[s];
    const cm = commit[s];
    const k2 = hours * rate[s];
    const at = slotAt[s];
    let stepCost = 0;
    for (let k = 0; k < cm.count.length; k++) {
      stepCost += cm.hourly[k] * k2;
      if (st.perStep) typeRunSeries[s][k][t] = tr[k];
      const R = tr[k], C = cm.count[k];
      covFrac[at + k] = R > C ? C / R : 1;
      unitCommit[at + k] = C > 0 ? (cm.hourly[k] * k2) / C : 0;
    }
    st.stepTotals[0] = stepCost;
  }

  /** A step's totals into stepTotals, for record. */
  function keep(stepCost: number, shown: number, allocV: number, needV: number): void {
    const totals = st.stepTotals;
    totals[0] = stepCost;
    totals[1] = shown;
    totals[2] = allocV;
    totals[3] = needV;
  }

  /** Step t's cost at site s, shown back and idle, and its vCPUs against the quota (stepTotals: cost, shown, allocated and needed vCPUs). */
  function record(s: number, t: number): void {
    const { quotaOf, siteDown, capUp, res, stepTotals } = st;
    const stepCost = stepTotals[0], shown = stepTotals[1], allocV = stepTotals[2], needV = stepTotals[3];
    res.siteIdleCost[s] += stepCost - shown;
    res.siteCost[s] += stepCost;
    res.siteMonthCost[s][st.cursor[MONTH]] += stepCost;
    const q = quotaOf[s];
    if (q !== Infinity) {
      capUp[s][R_VCPU] = siteDown[s] ? 0 : q;
      resourcePoint(st, s, t, R_VCPU, allocV, needV);
    }
    if (st.B) siteSeriesPoint(st, s, R_VCPU, siteDown[s] || q === Infinity ? 0 : q, allocV, needV);
  }
}

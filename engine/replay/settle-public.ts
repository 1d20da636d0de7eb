/**
 * One step of a public site (format.md, "Replay semantics"): instances needed per pair as on
 * OpenStack; running r(t) = n(t − k), k = ceil(scaleOutDelaySeconds / Δ) (autoscaling.ts), none
 * while the site is down; capped by quota.vcpus with the contention rule (allocation.ts). Costs:
 * committed instances are paid always at their own price (a later price change does not touch
 * them); running non-spot instances up to the committed count are covered by them, shared in
 * proportion to running instances, each covered one carrying its share of the commitment; the
 * rest pay on-demand or spot × the price multiplier, plus egress per request served.
 */
import { allocateByPriority } from '../capacity/allocation';
import { EPS, MONTH, ReplayState } from './replay-state';
import { R_VCPU } from '../model/resource-classes';
import { resourcePoint, siteSeriesPoint } from './replay-series';
import { pairSettler } from './settle-pair';
import type { SiteStep } from './settle-openstack';

/** The step of a public site, as a closure over the run's arrays made once per replay (settle-pair.ts says why). */
export function publicStepper(st: ReplayState): SiteStep {
  const settlePair = pairSettler(st);

  return function stepPublic(s, t, dRow, row, anyDown) {
    const { siteFirst, D, overflowIn, pcol, baseShare, invCapEff, minInst, need, run, typeIdx, coverIdx, vcpus, lags, typeRunning, quotaOf, receivesOverflow, siteDown } = st;
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const down = siteDown[s] === 1;
    const inflow = receivesOverflow[s] === 1;
    let used = 0;
    const lag = lags[s]!;
    lag.begin(t);
    const ring = lag.ring; // the lag's ring read and written here, not through a call per pair
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
      let n = dd > 0 ? Math.ceil(dd * invCapEff[p] - EPS) : 0;
      if (n < minInst[p]) n = minInst[p];
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
    lag.end(t);
    const quota = quotaOf[s];
    if (used > quota + EPS) {
      contendQuota(s, quota);
      tr.fill(0);
      for (let p = p0; p < p1; p++) tr[coverIdx[p]] += run[p];
    }
    settle(s, t);
  };

  /** Over the vCPU quota: the contention rule over the site's pairs, against the quota. */
  function contendQuota(s: number, quota: number): void {
    const { run, vcpus, priority } = st;
    const sp = st.sitePairs[s];
    const want = Float64Array.from(run);
    allocateByPriority({
      pairs: sp, priority, need: want, out: run,
      fits: (out) => {
        let u = 0;
        for (const p of sp) u += out[p] * vcpus[p];
        return u <= quota + EPS;
      },
    });
  }

  function settle(s: number, t: number): void {
    const { siteFirst, run, need, vcpus, coverIdx, typeRunning, quotaOf, siteDown, priceHourly, egressPerReq, servedNow, commit, rate, priceMult, coverScratch, commitScratch, typeRunSeries, capUp, hours, dt, res } = st;
    const pairCost = res.pairCost;
    const p0 = siteFirst[s];
    const p1 = siteFirst[s + 1];
    const tr = typeRunning[s];
    const cm = commit[s];
    const k2 = hours * rate[s];
    const odMult = priceMult[s] * k2;
    const egMult = dt * priceMult[s] * rate[s];
    let stepCost = 0;
    const covFrac = coverScratch[s];
    const unitCommit = commitScratch[s];
    for (let k = 0; k < cm.count.length; k++) {
      stepCost += cm.hourly[k] * k2;
      if (st.perStep) typeRunSeries[s][k][t] = tr[k];
      const R = tr[k], C = cm.count[k];
      covFrac[k] = R > C ? C / R : 1;
      unitCommit[k] = C > 0 ? (cm.hourly[k] * k2) / C : 0;
    }
    let allocV = 0, needV = 0, shown = 0;
    for (let p = p0; p < p1; p++) {
      settlePair(p, t, 0);
      const served = servedNow[p];
      const r = run[p];
      allocV += r * vcpus[p];
      needV += need[p] * vcpus[p];
      // spot and no type: coverIdx's last slot, covered 0 and 0 per covered instance
      const ci = coverIdx[p];
      const covered = r * covFrac[ci];
      let variable = egressPerReq[p] * served * egMult;
      variable += (r - covered) * priceHourly[p] * odMult;
      let c = covered * unitCommit[ci];
      c += variable;
      stepCost += variable;
      pairCost[p] += c;
      shown += c;
    }
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

/**
 * Demand around an outage (format.md, "Replay semantics"): with a site down, each workload's
 * lost share is unserved for the detection fraction of the step (siteDet) and the rest is
 * redistributed to its sites that are up in proportion to their shares; in active-passive mode
 * the first site listed is primary and, when it is lost, the standbys take all (in proportion
 * to their shares, or evenly). Writes D[p] for each of the workload's pairs and adds to
 * lostUnserved[w]. Runs only on steps where some site is down.
 */
import type { PairInfo } from './replay';

export interface OutageContext {
  pairs: readonly PairInfo[];
  wPairs: readonly number[][];
  activePassive: boolean;
  siteDown: Uint8Array;
  siteDet: readonly (Float64Array | undefined)[];
  lostUnserved: Float64Array;
  D: Float64Array;
}

export function redistributeAroundOutage(ctx: OutageContext, w: number, d: number, t: number): void {
  const { pairs, wPairs, activePassive, siteDown, siteDet, lostUnserved, D } = ctx;
  const ps = wPairs[w];
  if (!activePassive) {
    let lost = 0, up = 0, det = 0;
    for (const p of ps) {
      if (pairs[p].role === 'overflow') continue;
      const s = pairs[p].site;
      if (siteDown[s]) {
        lost += pairs[p].share;
        det += pairs[p].share * (siteDet[s] ? siteDet[s]![t] : 0);
      } else up += pairs[p].share;
    }
    const lostD = (d * lost) / 100;
    const detD = up > 0 ? (d * det) / 100 : lostD;
    lostUnserved[w] += detD;
    const move = lostD - detD;
    for (const p of ps) {
      const pr = pairs[p];
      if (pr.role === 'overflow' || siteDown[pr.site]) D[p] = 0;
      else D[p] = (d * pr.share) / 100 + (up > 0 ? (move * pr.share) / up : 0);
    }
    return;
  }
  // active-passive: the first site listed is primary; on its loss the others take over.
  const primary = ps[0];
  for (const p of ps) D[p] = 0;
  if (!siteDown[pairs[primary].site]) {
    D[primary] = d;
    return;
  }
  const s0 = pairs[primary].site;
  const det = siteDet[s0] ? siteDet[s0]![t] : 0;
  const others = ps.filter((p) => p !== primary && pairs[p].role !== 'overflow' && !siteDown[pairs[p].site]);
  if (others.length === 0) {
    lostUnserved[w] += d;
    return;
  }
  lostUnserved[w] += d * det;
  const rest = d * (1 - det);
  const tot = others.reduce((m, p) => m + pairs[p].share, 0);
  for (const p of others) D[p] = tot > 0 ? (rest * pairs[p].share) / tot : rest / others.length;
}

/**
 * The replay's pairs (format.md, "Replay semantics"): every workload on every site it has a share
 * on, plus its overflowTo site (share 0), in workload then share order. Pairs are numbered site
 * by site (then by workload), so that a site's pairs are contiguous in every per-pair array;
 * wPairs keeps each workload's sites in the order listed (the first is the active-passive
 * primary); overflowTarget[p] is the pair that takes what p leaves unserved (−1: none).
 */
import type { Model, Placement, Site, Workload } from '../model/model';
import type { PairInfo } from './replay';

export interface PairPlan {
  /** The sites some placed workload uses, in the model's order. */
  sites: Site[];
  siteIndex: Map<string, number>;
  pairs: PairInfo[];
  wPairs: number[][];
  overflowTarget: number[];
}

export function planPairs(model: Model, placement: Placement, workloads: readonly Workload[]): PairPlan {
  const sites = [...model.sites.values()].filter((s) => workloads.some((w) => {
    const wp = placement.workloads.get(w.name)!;
    return wp.shares.has(s.name) || wp.overflowTo === s.name;
  }));
  const siteIndex = new Map(sites.map((s, i) => [s.name, i]));
  const W = workloads.length;
  const activePassive = placement.mode === 'active-passive';
  const entries: PairInfo[] = [];
  const wEntries: number[][] = workloads.map(() => []);
  for (let w = 0; w < W; w++) {
    const wp = placement.workloads.get(workloads[w].name)!;
    let first = true;
    for (const [sName, share] of wp.shares) {
      const role = activePassive && !first ? 'passive' : 'share';
      wEntries[w].push(entries.length);
      entries.push({ workload: w, site: siteIndex.get(sName)!, share, role });
      first = false;
    }
    if (wp.overflowTo && !wp.shares.has(wp.overflowTo)) {
      wEntries[w].push(entries.length);
      entries.push({ workload: w, site: siteIndex.get(wp.overflowTo)!, share: 0, role: 'overflow' });
    }
  }
  const byPair = entries.map((_, i) => i).sort((a, b) => entries[a].site - entries[b].site || entries[a].workload - entries[b].workload || a - b);
  const newId = new Int32Array(entries.length);
  byPair.forEach((e, i) => (newId[e] = i));
  const pairs: PairInfo[] = byPair.map((i) => entries[i]);
  const wPairs: number[][] = wEntries.map((list) => list.map((e) => newId[e]));
  const overflowTarget: number[] = [];
  for (let p = 0; p < pairs.length; p++) {
    const w = pairs[p].workload;
    const wp = placement.workloads.get(workloads[w].name)!;
    const target = wp.overflowTo ? siteIndex.get(wp.overflowTo)! : -1;
    overflowTarget.push(target >= 0 && pairs[p].site !== target ? wPairs[w].find((q) => pairs[q].site === target)! : -1);
  }
  return { sites, siteIndex, pairs, wPairs, overflowTarget };
}

/**
 * sovereign-placement: a workload with `dataClass: sovereign` may only be placed on, or
 * overflow to, sites with `sovereign: true` (format.md, "Workload"). Quick fix: move the
 * share to the workload's sovereign sites (or the first sovereign site by name).
 */
import { Fix } from '../diagnostics';
import { scaleTo100 } from '../../model/percentages';
import { Rule, at, relatedDoc } from './rule';

export const sovereignPlacement: Rule = {
  ids: ['sovereign-placement'],
  check(ctx) {
    const { sites, workloads, placements } = ctx.model;
    const sovereignSites = [...sites.values()].filter((s) => s.sovereign).map((s) => s.name);
    for (const pl of placements.values()) {
      for (const [wName, wp] of pl.workloads) {
        const w = workloads.get(wName);
        if (!w || w.dataClass !== 'sovereign') continue;
        const bad = [...wp.shares.entries()].filter(([s, v]) => v > 0 && sites.has(s) && !sites.get(s)!.sovereign);
        let fix: Fix | undefined;
        const keep = [...wp.shares.entries()].filter(([s]) => sites.get(s)?.sovereign);
        const target = keep.length ? keep : sovereignSites.length ? [[sovereignSites[0], 100] as [string, number]] : [];
        const shareRange = ctx.model.placements.get(pl.name)!.src.valueRange(['spec', 'workloads', wName, 'shares']);
        if (target.length && shareRange) {
          const scaled = scaleTo100(target.map(([, v]) => v));
          fix = { title: `Move ${wName} to sovereign site${target.length > 1 ? 's' : ''} ${target.map(([s]) => s).join(', ')}`, edits: [{ file: pl.src.file, range: shareRange, newText: `{ ${target.map(([s], i) => `${s}: ${scaled[i]}`).join(', ')} }` }] };
        }
        for (const [s] of bad) {
          ctx.report(at(pl.src, ['spec', 'workloads', wName, 'shares', s], 'sovereign-placement', 'error', `${wName} holds sovereign data and cannot run on ${s}, which is not a sovereign site`, { key: true, fixes: fix ? [fix] : undefined, related: [relatedDoc(w.src, 'dataClass: sovereign', ['spec', 'dataClass']), relatedDoc(sites.get(s)!.src, `site ${s}`)] }));
        }
        if (wp.overflowTo && sites.has(wp.overflowTo) && !sites.get(wp.overflowTo)!.sovereign) {
          ctx.report(at(pl.src, ['spec', 'workloads', wName, 'overflowTo'], 'sovereign-placement', 'error', `${wName} holds sovereign data and cannot overflow to ${wp.overflowTo}, which is not a sovereign site`, { related: [relatedDoc(w.src, 'dataClass: sovereign', ['spec', 'dataClass'])] }));
        }
      }
    }
  },
};

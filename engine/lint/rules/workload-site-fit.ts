/**
 * missing-field (semantic): a workload placed on an openstack site needs `flavor`; on a public
 * site it needs `instanceType`. Reported on the placement share, with the workload related.
 */
import { Rule, at, relatedDoc } from './rule';

export const workloadSiteFit: Rule = {
  ids: ['missing-field'],
  check(ctx) {
    const { sites, workloads, placements } = ctx.model;
    for (const pl of placements.values()) {
      for (const [wName, wp] of pl.workloads) {
        const w = workloads.get(wName);
        if (!w) continue;
        const used = [...wp.shares.keys(), ...(wp.overflowTo ? [wp.overflowTo] : [])];
        for (const sName of new Set(used)) {
          const site = sites.get(sName);
          if (!site) continue;
          const field = site.type === 'openstack' ? 'flavor' : 'instanceType';
          if (w[field] !== undefined) continue;
          const p = wp.shares.has(sName) ? ['spec', 'workloads', wName, 'shares', sName] : ['spec', 'workloads', wName, 'overflowTo'];
          ctx.report(at(pl.src, p, 'missing-field', 'error', `workload ${wName} runs on ${site.type} site ${sName} but has no "${field}"`, { key: wp.shares.has(sName), related: [relatedDoc(w.src, `workload ${wName}`)] }));
        }
      }
    }
  },
};

/**
 * hosts-removed-below-zero (warning): an `addHosts` with a negative count that takes more hosts
 * from an aggregate than it has at that moment (its configured hosts plus the scenario's earlier
 * additions, in time order). The replay and the N-1 check count an aggregate's hosts as its
 * configured ones plus every addition so far, and none below zero (replay-state.ts, failover.ts):
 * so it has none until later additions make up the difference, which is seldom what "remove 20"
 * meant of an aggregate of 6.
 */
import { Rule, at } from './rule';

export const hostsRemovedBelowZero: Rule = {
  ids: ['hosts-removed-below-zero'],
  check(ctx) {
    for (const sc of ctx.model.scenarios.values()) {
      if (!sc.src) continue;
      const adds = sc.events.flatMap((e) => (e.type === 'addHosts' && !Number.isNaN(e.at) ? [e] : [])).sort((a, b) => a.at - b.at || a.index - b.index);
      const held = new Map<string, number>(); // `${site}/${aggregate}` → configured + every addition so far (may be below 0)
      for (const e of adds) {
        const site = ctx.model.sites.get(e.site);
        const agg = site?.type === 'openstack' ? site.aggregates.find((g) => g.name === e.aggregate) : undefined;
        if (!agg) continue; // an unknown site or aggregate is unknown-reference's
        const key = `${e.site}/${e.aggregate}`;
        const before = held.get(key) ?? agg.hosts;
        const after = before + e.hosts;
        if (e.hosts < 0 && after < 0) {
          const has = before > 0 ? `${before}` : 'none';
          ctx.report(at(sc.src, ['spec', 'events', e.index, 'hosts'], 'hosts-removed-below-zero', 'warning', `addHosts takes ${-e.hosts} host(s) from ${e.aggregate} of ${e.site}, which has ${has} then: it has none until the scenario adds ${-after} back`));
        }
        held.set(key, after);
      }
    }
  },
};

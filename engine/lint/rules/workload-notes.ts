/**
 * unit-not-countable (warning): egress is priced per request, so it needs `unit: rps`.
 * unplaced-workload (info): a workload that no Placement mentions is not simulated.
 */
import { Rule, at } from './rule';

export const workloadNotes: Rule = {
  ids: ['unit-not-countable', 'unplaced-workload'],
  check(ctx) {
    const placed = new Set<string>();
    for (const pl of ctx.model.placements.values()) for (const w of pl.workloads.keys()) placed.add(w);
    for (const w of ctx.model.workloads.values()) {
      if (w.egressGiBPerMillionRequests > 0 && w.unit !== 'rps') {
        ctx.report(at(w.src, ['spec', 'egressGiBPerMillionRequests'], 'unit-not-countable', 'warning', `egress is priced per request but ${w.name} counts "${w.unit}", not rps; its egress is not charged`));
      }
      if (ctx.model.placements.size > 0 && !placed.has(w.name)) {
        ctx.report(at(w.src, ['metadata', 'name'], 'unplaced-workload', 'info', `workload ${w.name} is in no Placement, so it is not simulated`));
      }
    }
  },
};

/**
 * overflow-cycle and overflow-self: overflow goes from a site to another in the same step,
 * so the sites of one placement must be orderable (no cycle of overflowTo), and a workload
 * whose only site is its overflow target overflows nowhere.
 */
import { Rule, at } from './rule';

export const overflow: Rule = {
  ids: ['overflow-cycle', 'overflow-self'],
  check(ctx) {
    for (const pl of ctx.model.placements.values()) {
      const edges = new Map<string, Set<string>>();
      const firstEdge = new Map<string, string>();
      for (const [w, wp] of pl.workloads) {
        if (!wp.overflowTo) continue;
        const from = [...wp.shares.entries()].filter(([s, v]) => v > 0 && s !== wp.overflowTo).map(([s]) => s);
        if (from.length === 0) {
          ctx.report(at(pl.src, ['spec', 'workloads', w, 'overflowTo'], 'overflow-self', 'warning', `${w} overflows to ${wp.overflowTo}, which is its only site, so overflow has no effect`));
          continue;
        }
        for (const s of from) {
          if (!edges.has(s)) edges.set(s, new Set());
          edges.get(s)!.add(wp.overflowTo);
          const k = `${s}>${wp.overflowTo}`;
          if (!firstEdge.has(k)) firstEdge.set(k, w);
        }
      }
      // Depth-first search for a cycle, sites in name order for a stable report.
      const state = new Map<string, number>();
      const stack: string[] = [];
      const reported = new Set<string>();
      const visit = (s: string): void => {
        state.set(s, 1);
        stack.push(s);
        for (const t of [...(edges.get(s) ?? [])].sort()) {
          if (state.get(t) === 1) {
            const cycle = [...stack.slice(stack.indexOf(t)), t];
            const key = [...cycle].sort().join(',');
            if (reported.has(key)) continue;
            reported.add(key);
            const w = firstEdge.get(`${s}>${t}`)!;
            ctx.report(at(pl.src, ['spec', 'workloads', w, 'overflowTo'], 'overflow-cycle', 'error', `overflow forms a cycle ${cycle.join(' → ')}; one site must settle before the other`));
          } else if (!state.get(t)) visit(t);
        }
        stack.pop();
        state.set(s, 2);
      };
      for (const s of [...edges.keys()].sort()) if (!state.get(s)) visit(s);
    }
  },
};

/**
 * horizon-order and horizon-too-large: a horizon must end after it starts and hold at least one step, and
 * steps = ceil((end − start) / step) must stay within limits.ts (steps, and the memory a streamed
 * run of the scenario's placement is estimated to hold), so a run fails with a message instead
 * of out of memory.
 */
import { MAX_STEPS, monthsSpanned, overBudget, streamedRunBytes } from '../../model/limits';
import { Rule, at } from './rule';
import { placedPairs } from '../../model/model';
import { iso } from '../../traffic/traffic';

export const horizon: Rule = {
  ids: ['horizon-order', 'horizon-too-large'],
  check(ctx) {
    for (const sc of ctx.model.scenarios.values()) {
      const h = sc.horizon;
      if (!h || !sc.src) continue;
      if (Number.isNaN(h.start) || Number.isNaN(h.end)) continue; // not a real time: calendar-times reports it
      if (!(h.end > h.start)) {
        ctx.report(at(sc.src, ['spec', 'horizon', 'end'], 'horizon-order', 'error', `horizon ends (${iso(h.end)}) at or before it starts (${iso(h.start)})`));
        continue;
      }
      if (h.step > h.end - h.start) {
        ctx.report(at(sc.src, ['spec', 'horizon', 'step'], 'horizon-order', 'error', `the horizon (${h.end - h.start} s) is shorter than one step (${h.step} s): a run would bill a whole step for part of it; use a shorter step or a longer horizon`));
        continue;
      }
      const steps = Math.ceil((h.end - h.start) / h.step);
      if (steps > MAX_STEPS) {
        ctx.report(at(sc.src, ['spec', 'horizon'], 'horizon-too-large', 'error', `horizon has ${steps.toLocaleString('en-US')} steps; Headroom simulates at most ${MAX_STEPS.toLocaleString('en-US')} (use a longer step or a shorter horizon)`, { key: true }));
        continue;
      }
      const pl = sc.placement ? ctx.model.placements.get(sc.placement) : ctx.model.placements.size === 1 ? [...ctx.model.placements.values()][0] : undefined;
      if (!pl) continue;
      const { pairs, sites } = placedPairs(pl.workloads.values());
      const traces = new Set<string>();
      for (const name of pl.workloads.keys()) {
        const t = ctx.model.workloads.get(name)?.traffic;
        if (t?.kind === 'trace') traces.add(t.trace);
      }
      const bytes = streamedRunBytes({ workloads: pl.workloads.size, pairs, sites: sites.size, steps, traces: traces.size, buckets: 480, months: monthsSpanned(steps, h.step) });
      let why: string | undefined;
      try {
        why = overBudget(bytes, () => `a run of ${pl.workloads.size.toLocaleString('en-US')} workloads over ${steps.toLocaleString('en-US')} steps`);
      } catch (e) {
        why = (e as Error).message; // a malformed HEADROOM_MEMORY_LIMIT
      }
      if (why) ctx.report(at(sc.src, ['spec', 'horizon'], 'horizon-too-large', 'error', `${why}. Use a longer step or a shorter horizon`, { key: true }));
    }
  },
};

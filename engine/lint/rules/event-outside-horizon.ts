/** event-outside-horizon (warning): an event that starts outside its scenario's horizon never happens. */
import { iso } from '../../traffic/traffic';
import { Rule, at } from './rule';

export const eventOutsideHorizon: Rule = {
  ids: ['event-outside-horizon'],
  check(ctx) {
    for (const sc of ctx.model.scenarios.values()) {
      const h = sc.horizon;
      if (!h || !sc.src || !(h.end > h.start)) continue;
      for (const e of sc.events) {
        const key = e.type === 'siteOutage' || e.type === 'zoneOutage' ? 'start' : 'at';
        const t = e.type === 'siteOutage' || e.type === 'zoneOutage' ? e.start : e.at;
        if (Number.isNaN(t) || (t >= h.start && t < h.end)) continue; // NaN: not a real time, reported by calendar-times
        ctx.report(at(sc.src, ['spec', 'events', e.index, key], 'event-outside-horizon', 'warning', `${e.type} at ${iso(t)} is outside the horizon ${iso(h.start)} – ${iso(h.end)}, so it never happens`));
      }
    }
  },
};

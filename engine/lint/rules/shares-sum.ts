/**
 * shares-sum: a workload's shares are percentages and must sum to 100 (tolerance 1e-6).
 * Quick fix: scale to 100 with whole percentages by the largest-remainder method
 * (ties to the site listed first, percentages.ts), so the fixed shares sum to exactly 100.
 */
import { Fix } from '../diagnostics';
import { scaleTo100 } from '../../model/percentages';
import { Rule, at } from './rule';

export const sharesSum: Rule = {
  ids: ['shares-sum'],
  check(ctx) {
    for (const pl of ctx.model.placements.values()) {
      for (const [w, wp] of pl.workloads) {
        const entries = [...wp.shares.entries()];
        const sum = entries.reduce((s, [, v]) => s + v, 0);
        if (Math.abs(sum - 100) <= 1e-6) continue;
        const scaled = scaleTo100(entries.map(([, v]) => v));
        const fix: Fix = {
          title: 'Scale shares to 100',
          edits: entries.map(([site], i) => ({ file: pl.src.file, range: pl.src.rangeOf(['spec', 'workloads', w, 'shares', site]), newText: String(scaled[i]) })),
        };
        const shown = Math.round(sum * 1e6) / 1e6;
        ctx.report(at(pl.src, ['spec', 'workloads', w, 'shares'], 'shares-sum', 'error', `shares of ${w} sum to ${shown}, not 100`, { key: true, fixes: [fix] }));
      }
    }
  },
};

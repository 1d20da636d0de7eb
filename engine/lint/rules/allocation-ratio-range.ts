/**
 * allocation-ratio-range (warning): ratios outside the band operators run: cpu 1–16
 * (16.0 was Nova's default until Zed), ram 1–1.5 (1.5 the old default), disk 1–2; PCPU, VGPU
 * and PCI devices exactly 1 (Nova reports dedicated cores and devices at 1.0: they are not shared).
 */
import { Rule, at } from './rule';

export const RATIO_BANDS = { cpu: [1, 16], ram: [1, 1.5], disk: [1, 2], pcpu: [1, 1], vgpu: [1, 1], pci: [1, 1] } as const;

export const allocationRatioRange: Rule = {
  ids: ['allocation-ratio-range'],
  check(ctx) {
    for (const site of ctx.model.sites.values()) {
      if (site.type !== 'openstack') continue;
      for (const g of site.aggregates) {
        for (const r of ['cpu', 'ram', 'disk', 'pcpu', 'vgpu', 'pci'] as const) {
          const v = g.allocationRatio[r];
          const [lo, hi] = RATIO_BANDS[r];
          if (v >= lo && v <= hi) continue;
          ctx.report(at(site.src, ['spec', 'aggregates', g.index, 'allocationRatio', r], 'allocation-ratio-range', 'warning',
            lo === hi
              ? `aggregate ${g.name}: ${r} allocation ratio ${v} is not ${lo}; dedicated cores and devices are not shared, Nova reports them at 1.0`
              : `aggregate ${g.name}: ${r} allocation ratio ${v} is outside the usual ${lo}–${hi}; ${v < lo ? 'capacity is left unused' : 'hosts are overcommitted beyond common practice'}`));
        }
      }
    }
  },
};

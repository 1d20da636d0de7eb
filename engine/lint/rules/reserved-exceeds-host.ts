/**
 * reserved-exceeds-host: reserved_r ≥ host_r leaves nothing to schedule (checked for memory, for
 * vCPU unless the host has only PCPU, and for disk, PCPU, vGPU and PCI devices where the host has them).
 */
import { Rule, at } from './rule';
import { RESOURCES } from '../../model/resource-classes';

export const reservedExceedsHost: Rule = {
  ids: ['reserved-exceeds-host'],
  check(ctx) {
    for (const site of ctx.model.sites.values()) {
      if (site.type !== 'openstack') continue;
      for (const g of site.aggregates) {
        for (const r of RESOURCES) {
          if (r !== 'memoryMiB' && !(r === 'vcpus' && g.host.pcpus === 0) && g.host[r] === 0 && g.reserved[r] === 0) continue;
          if (g.reserved[r] >= g.host[r]) {
            const explicit = site.src.has(['spec', 'aggregates', g.index, 'reserved', r]);
            const path = explicit ? ['spec', 'aggregates', g.index, 'reserved', r] : ['spec', 'aggregates', g.index, 'host', r];
            ctx.report(at(site.src, path, 'reserved-exceeds-host', 'error', `aggregate ${g.name}: reserved ${r} (${g.reserved[r]}) is not below the host's ${g.host[r]}, so nothing can be scheduled${explicit ? '' : ' (Nova default reserved)'}`));
          }
        }
      }
    }
  },
};

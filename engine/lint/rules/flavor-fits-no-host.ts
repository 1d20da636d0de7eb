/** flavor-fits-no-host: a flavor for which floor((host − reserved) × ratio / flavor) is 0 on every aggregate. */
import { hostSchedulable, instancesPerHost } from '../../capacity/nova-capacity';
import { Rule, at } from './rule';

export const flavorFitsNoHost: Rule = {
  ids: ['flavor-fits-no-host'],
  check(ctx) {
    for (const site of ctx.model.sites.values()) {
      if (site.type !== 'openstack' || site.aggregates.length === 0) continue;
      for (const f of site.flavors) {
        if (site.aggregates.some((g) => instancesPerHost(g, f) > 0)) continue;
        const biggest = site.aggregates.map(hostSchedulable).sort((x, y) => y.vcpus - x.vcpus)[0];
        ctx.report(at(site.src, ['spec', 'flavors', f.index, 'name'], 'flavor-fits-no-host', 'error',
          `flavor ${f.name} (${f.vcpus} vCPU, ${f.memoryMiB} MiB, ${f.diskGiB} GiB) fits no host of ${site.name}; the largest host schedules ${biggest.vcpus} vCPU, ${biggest.memoryMiB} MiB, ${biggest.diskGiB} GiB`));
      }
    }
  },
};

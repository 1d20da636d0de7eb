/**
 * flavor-fits-no-host: a flavor for which floor((host − reserved) × ratio / flavor) is 0 on every
 * aggregate, in some resource class it asks for (a vGPU flavor with no vGPU host included).
 */
import { hostSchedulable, instancesPerHost } from '../../capacity/nova-capacity';
import { describeFlavor, DEVICE_RESOURCES, flavorRequest, RESOURCE_UNIT } from '../../model/resource-classes';
import { Rule, at } from './rule';

export const flavorFitsNoHost: Rule = {
  ids: ['flavor-fits-no-host'],
  check(ctx) {
    for (const site of ctx.model.sites.values()) {
      if (site.type !== 'openstack' || site.aggregates.length === 0) continue;
      for (const f of site.flavors) {
        if (site.aggregates.some((g) => instancesPerHost(g, f) > 0)) continue;
        const biggest = site.aggregates.map(hostSchedulable).sort((x, y) => y.vcpus - x.vcpus)[0];
        const asked = flavorRequest(f);
        const devices = DEVICE_RESOURCES.filter((r) => asked[r] > 0).map((r) => {
          const most = Math.max(...site.aggregates.map((g) => hostSchedulable(g)[r]));
          return `, ${most > 0 ? `the most ${RESOURCE_UNIT[r]} a host has is ${most}` : `no host has ${RESOURCE_UNIT[r]}`}`;
        }).join('');
        ctx.report(at(site.src, ['spec', 'flavors', f.index, 'name'], 'flavor-fits-no-host', 'error',
          `flavor ${f.name} (${describeFlavor(f)}) fits no host of ${site.name}; the largest host schedules ${biggest.vcpus} vCPU, ${biggest.memoryMiB} MiB, ${biggest.diskGiB} GiB${devices}`));
      }
    }
  },
};

/**
 * unknown-reference: every name that points at another thing must exist: placement
 * workloads, share sites and overflowTo; scenario placement, event sites, aggregates and
 * zones; a workload's flavor / instance type on the sites it is placed on; a commitment's
 * instance type; an aggregate's availability zone. Quick fix: the nearest existing name.
 */
import { nearest } from '../../model/suggest';
import { Path, SourceDocument } from '../../model/source-document';
import { Rule, RuleContext, at, replaceFix } from './rule';

function unknown(ctx: RuleContext, src: SourceDocument, p: Path, what: string, name: string, known: Iterable<string>, key = false, where = ''): void {
  const guess = nearest(name, known);
  const list = [...known];
  const hint = guess ? `; did you mean "${guess}"?` : list.length && list.length <= 8 ? ` (known: ${list.join(', ')})` : '';
  ctx.report(at(src, p, 'unknown-reference', 'error', `unknown ${what} "${name}"${where}${hint}`, { key, fixes: guess ? [replaceFix(src, p, `Change to "${guess}"`, guess, key)] : undefined }));
}

export const unknownReference: Rule = {
  ids: ['unknown-reference'],
  check(ctx) {
    const { sites, workloads, placements, scenarios, declared, partial } = ctx.model;
    const siteNames = declared.Site;
    for (const pl of placements.values()) {
      for (const [wName, wp] of pl.workloads) {
        const base = ['spec', 'workloads', wName];
        if (!declared.Workload.has(wName)) unknown(ctx, pl.src, base, 'workload', wName, declared.Workload, true);
        for (const s of wp.shares.keys()) if (!siteNames.has(s)) unknown(ctx, pl.src, [...base, 'shares', s], 'site', s, siteNames, true);
        if (wp.overflowTo && !siteNames.has(wp.overflowTo)) unknown(ctx, pl.src, [...base, 'overflowTo'], 'site', wp.overflowTo, siteNames);
        // a workload or site that failed its schema elsewhere is still checked by what it names
        const w = workloads.get(wName) ?? partial.workloads.get(wName);
        if (!w) continue;
        const used = [...wp.shares.keys(), ...(wp.overflowTo ? [wp.overflowTo] : [])];
        for (const sName of used) {
          const full = sites.get(sName);
          const site = full ? { type: full.type as string, flavors: full.type === 'openstack' ? full.flavors.map((f) => f.name) : [], instanceTypes: full.type === 'public' ? full.instanceTypes.map((t) => t.name) : [] } : partial.sites.get(sName);
          if (!site) continue;
          if (site.type === 'openstack' && w.flavor && !site.flavors.includes(w.flavor)) {
            unknown(ctx, w.src, ['spec', 'flavor'], 'flavor', w.flavor, site.flavors, false, ` on site ${sName}`);
          }
          if (site.type === 'public' && w.instanceType && !site.instanceTypes.includes(w.instanceType)) {
            unknown(ctx, w.src, ['spec', 'instanceType'], 'instance type', w.instanceType, site.instanceTypes, false, ` on site ${sName}`);
          }
        }
      }
    }
    for (const sc of scenarios.values()) {
      if (!sc.src) continue;
      if (sc.placement && !declared.Placement.has(sc.placement)) unknown(ctx, sc.src, ['spec', 'placement'], 'placement', sc.placement, declared.Placement);
      for (const e of sc.events) {
        const p = ['spec', 'events', e.index];
        const site = sites.get(e.site);
        if (!site) {
          if (!siteNames.has(e.site)) unknown(ctx, sc.src, [...p, 'site'], 'site', e.site, siteNames);
          continue;
        }
        if (e.type === 'addHosts') {
          if (site.type !== 'openstack') ctx.report(at(sc.src, [...p, 'site'], 'unknown-reference', 'error', `addHosts needs an openstack site; ${e.site} is a public site`));
          else if (!site.aggregates.some((g) => g.name === e.aggregate)) unknown(ctx, sc.src, [...p, 'aggregate'], 'aggregate', e.aggregate, site.aggregates.map((g) => g.name), false, ` in site ${e.site}`);
        }
        if (e.type === 'zoneOutage') {
          const zones = site.type === 'openstack' ? new Set([...site.availabilityZones, ...site.aggregates.map((g) => g.availabilityZone).filter((z): z is string => !!z)]) : new Set<string>();
          if (!zones.has(e.zone)) unknown(ctx, sc.src, [...p, 'zone'], 'availability zone', e.zone, zones, false, ` in site ${e.site}`);
        }
      }
    }
    for (const site of sites.values()) {
      if (site.type === 'openstack') {
        if (site.availabilityZones.length === 0) continue;
        for (const g of site.aggregates) {
          if (g.availabilityZone && !site.availabilityZones.includes(g.availabilityZone)) unknown(ctx, site.src, ['spec', 'aggregates', g.index, 'availabilityZone'], 'availability zone', g.availabilityZone, site.availabilityZones, false, ` (site ${site.name} lists ${site.availabilityZones.join(', ')})`);
        }
      } else {
        for (const c of site.commitments) {
          if (!site.instanceTypes.some((t) => t.name === c.instanceType)) unknown(ctx, site.src, ['spec', 'commitments', c.index, 'instanceType'], 'instance type', c.instanceType, site.instanceTypes.map((t) => t.name));
        }
      }
    }
  },
};

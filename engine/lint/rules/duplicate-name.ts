/** duplicate-name: metadata.name is unique per kind; aggregate, flavor and instance-type names are unique within a site. */
import { Rule, at, relatedDoc } from './rule';

export const duplicateName: Rule = {
  ids: ['duplicate-name'],
  check(ctx) {
    const first = new Map<string, (typeof ctx.docs)[number]>();
    for (const d of ctx.docs) {
      if (!d.name || d.kind === 'Settings') continue;
      const key = `${d.kind}/${d.name}`;
      const prev = first.get(key);
      if (!prev) first.set(key, d);
      else ctx.report(at(d.source, ['metadata', 'name'], 'duplicate-name', 'error', `${d.kind} "${d.name}" is already defined in ${prev.source.file}:${prev.source.rangeOf(['metadata', 'name']).start.line}`, { related: [relatedDoc(prev.source, `first ${d.kind} "${d.name}"`)] }));
    }
    for (const site of ctx.model.sites.values()) {
      const lists: [string, { name: string; index: number }[]][] =
        site.type === 'openstack' ? [['aggregates', site.aggregates], ['flavors', site.flavors]] : [['instanceTypes', site.instanceTypes]];
      for (const [list, items] of lists) {
        const seen = new Map<string, number>();
        for (const it of items) {
          const p = seen.get(it.name);
          if (p === undefined) seen.set(it.name, it.index);
          else ctx.report(at(site.src, ['spec', list, it.index, 'name'], 'duplicate-name', 'error', `${list.replace(/s$/, '')} "${it.name}" appears twice in site ${site.name}`, { related: [relatedDoc(site.src, 'first definition', ['spec', list, p, 'name'])] }));
        }
      }
    }
  },
};

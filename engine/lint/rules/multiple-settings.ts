/** multiple-settings: a workspace has at most one Settings document. */
import { Rule, at, relatedDoc } from './rule';

export const multipleSettings: Rule = {
  ids: ['multiple-settings'],
  check(ctx) {
    const all = ctx.docs.filter((d) => d.kind === 'Settings');
    for (const d of all.slice(1)) {
      ctx.report(at(d.source, ['kind'], 'multiple-settings', 'error', `only one Settings document is allowed; the first is in ${all[0].source.file}`, { related: [relatedDoc(all[0].source, 'the Settings in force', ['kind'])] }));
    }
  },
};

/**
 * What a replay found, as diagnostics on the documents concerned (the editor shows them after a
 * save): SLO breaches and unserved demand on the workload's placement entry, N-1 shortfalls and a
 * clearly cheaper recommended placement on the Placement, headroom below target on the Site.
 */
import { Diagnostic } from './diagnostics';
import { Analysis } from './lint';
import { Report } from './report-types';

export function simulationDiagnostics(a: Analysis, r: Report, opts: { expensiveThreshold?: number } = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pl = a.model.placements.get(r.placement);
  if (!pl) return out;
  const src = pl.src;
  const at = (path: (string | number)[], key = true) => ({ file: src.file, range: key ? src.keyRange(path) : src.rangeOf(path) });
  for (const w of r.workloads) {
    const p = ['spec', 'workloads', w.name];
    if (w.unservedRequests > 0) out.push({ ...at(p), severity: 'warning', rule: 'unserved-demand', message: `${w.name} leaves ${w.unservedRequests.toLocaleString('en-US', { maximumFractionDigits: 0 })} ${w.unit}·s unserved in scenario ${r.scenario}` });
    else if (w.sloViolationSteps > 0) out.push({ ...at(p), severity: 'info', rule: 'slo-breach', message: `${w.name} runs above its target utilization in ${w.sloViolationSteps} of ${r.horizon.steps} steps of scenario ${r.scenario}` });
  }
  for (const f of r.failover) {
    if (f.survives) continue;
    const short = Object.entries(f.shortfall).filter(([, v]) => v.instances > 0);
    out.push({ ...at(['kind'], false), severity: 'warning', rule: 'n1-shortfall', message: `losing ${f.lostSite} leaves ${short.map(([w, v]) => `${w} short ${v.instances} instances (${v.vcpus} vCPU)`).join(', ')}` });
  }
  for (const s of r.sites) {
    const site = a.model.sites.get(s.name);
    if (!site || s.peakUtilization.vcpus === null) continue;
    const spare = 1 - s.peakUtilization.vcpus;
    if (spare + 1e-9 < pl.headroomTarget) {
      out.push({ file: site.src.file, range: site.src.rangeOf(['metadata', 'name']), severity: 'warning', rule: 'headroom-below-target', message: `${s.name} has ${(Math.max(0, spare) * 100).toFixed(1)} % spare vCPU at its peak, below the ${(pl.headroomTarget * 100).toFixed(0)} % headroom target of ${pl.name}` });
    }
  }
  const cmp = (r.recommendation as { comparison?: { current: { cost: number }; recommended: { cost: number } } } | undefined)?.comparison;
  const threshold = opts.expensiveThreshold ?? 0.05;
  if (cmp && cmp.current.cost > 0 && (cmp.current.cost - cmp.recommended.cost) / cmp.current.cost >= threshold) {
    const saving = ((cmp.current.cost - cmp.recommended.cost) / cmp.current.cost) * 100;
    out.push({ ...at(['metadata', 'name'], false), severity: 'info', rule: 'placement-cost', message: `a recommended placement costs ${saving.toFixed(1)} % less (${cmp.recommended.cost.toFixed(0)} vs ${cmp.current.cost.toFixed(0)} ${r.currency}) with no more unserved demand: run Headroom: Show Recommendations` });
  }
  return out;
}

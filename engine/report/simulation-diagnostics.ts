/**
 * What a replay found, as diagnostics on the documents concerned (the editor shows them after a
 * save): SLO breaches and unserved demand on the workload's placement entry, N-1 shortfalls and a
 * clearly cheaper recommended placement on the Placement, headroom below target on the Site, and
 * usage the model does not explain: an imported Site's `observedUsage` (what Placement reported
 * in use) above the most the modelled workloads ever allocate there.
 */
import { amountUnit } from './demand-units';
import { RESOURCE_LABEL, RESOURCE_UNIT, shortWorkloads } from '../model/resource-classes';
import { shortfallAmounts } from './money-format';
import type { Comparison } from './comparison';
import { CORE_SCHEMA, load } from 'js-yaml';
import { Diagnostic, Fix, TextEdit } from '../lint/diagnostics';
import { Analysis } from '../lint/lint';
import { Report } from './report-types';
import { meetsHeadroom, sparePct, targetPct } from './binding-text';
import { SourceDocument } from '../model/source-document';

export function simulationDiagnostics(a: Analysis, r: Report, opts: { expensiveThreshold?: number } = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pl = a.model.placements.get(r.placement);
  if (!pl) return out;
  const src = pl.src;
  const at = (path: (string | number)[], key = true) => ({ file: src.file, range: key ? src.keyRange(path) : src.rangeOf(path) });
  for (const w of r.workloads) {
    const p = ['spec', 'workloads', w.name];
    if (w.unservedRequests > 0) out.push({ ...at(p), severity: 'warning', rule: 'unserved-demand', message: `${w.name} leaves ${w.unservedRequests.toLocaleString('en-US', { maximumFractionDigits: 0 })} ${amountUnit(w.unit)} unserved in scenario ${r.scenario}` });
    else if (w.sloViolationSteps > 0) out.push({ ...at(p), severity: 'info', rule: 'slo-breach', message: `${w.name} runs above its target utilization in ${w.sloViolationSteps} of ${r.horizon.steps} steps of scenario ${r.scenario}` });
  }
  for (const f of r.failover) {
    if (f.survives) continue;
    const short = shortWorkloads(f.shortfall);
    out.push({ ...at(['kind'], false), severity: 'warning', rule: 'n1-shortfall', message: `losing ${f.lostSite} leaves ${short.map(([w, v]) => `${w} short ${v.instances} instances (${shortfallAmounts(v)})`).join(', ')}` });
  }
  for (const s of r.sites) {
    const site = a.model.sites.get(s.name);
    // every resource, as the headroom recommendation: the binding one has the least spare at its peak need
    if (!site || !s.binding || meetsHeadroom(s, pl.headroomTarget)) continue;
    const name = RESOURCE_LABEL[s.binding.resource];
    out.push({ file: site.src.file, range: site.src.rangeOf(['metadata', 'name']), severity: 'warning', rule: 'headroom-below-target', message: `${s.name} has ${sparePct(s.binding.spare, pl.headroomTarget)} spare ${name} at its peak (${name} binds), below the ${targetPct(pl.headroomTarget)} headroom target of ${pl.name}` });
  }
  out.push(...observedUsageDiagnostics(a, r));
  const sides = (r.recommendation as { comparison?: Comparison } | undefined)?.comparison?.sides;
  const cmp = sides && { current: sides.baseline, recommended: sides.candidate };
  const threshold = opts.expensiveThreshold ?? 0.05;
  if (cmp && cmp.current.cost > 0 && (cmp.current.cost - cmp.recommended.cost) / cmp.current.cost >= threshold) {
    const saving = ((cmp.current.cost - cmp.recommended.cost) / cmp.current.cost) * 100;
    const fix = applyRecommendedFix(src, (r.recommendation as { placement?: string | null }).placement, saving);
    out.push({
      ...at(['metadata', 'name'], false), severity: 'info', rule: 'placement-cost',
      message: `a recommended placement costs ${saving.toFixed(1)} % less (${cmp.recommended.cost.toFixed(0)} vs ${cmp.current.cost.toFixed(0)} ${r.currency}) with no more unserved demand: apply it with the quick fix, or see Headroom: Show Recommendations`,
      ...(fix ? { fixes: [fix] } : {}),
    });
  }
  return out;
}

/** How far observed usage may exceed the modelled peak before it is called out (10 %). */
export const OBSERVED_USAGE_TOLERANCE = 0.1;

/**
 * Placement's usage at import (vCPU and memory; disk is left out because boot-from-volume
 * servers hold none) against the modelled peak allocation (the report's peakAllocated). More in use than the model ever allocates means workloads outside the model hold
 * capacity, and the site's headroom is overstated by that much.
 */
export function observedUsageDiagnostics(a: Analysis, r: Report): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of r.sites) {
    const site = a.model.sites.get(s.name);
    const obs = (site?.src.value as { spec?: { observedUsage?: Record<string, unknown> } } | undefined)?.spec?.observedUsage;
    if (!site || site.type !== 'openstack' || !obs) continue;
    const over: string[] = [];
    for (const res of ['vcpus', 'memoryMiB', 'pcpus', 'vgpus', 'pciDevices'] as const) {
      const used = obs[res];
      const modelled = s.peakAllocated[res] ?? (res === 'vcpus' || res === 'memoryMiB' ? null : 0);
      if (typeof used !== 'number' || modelled === null) continue;
      if (used > modelled * (1 + OBSERVED_USAGE_TOLERANCE) && used - modelled >= 1) {
        const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
        over.push(res === 'memoryMiB' ? `${n(used / 1024)} GiB in use, the model at most ${n(modelled / 1024)} GiB` : `${used.toLocaleString('en-US')} ${RESOURCE_UNIT[res]} in use, the model at most ${n(modelled)}`);
      }
    }
    if (!over.length) continue;
    const when = typeof obs.at === 'string' ? ` at ${obs.at}` : '';
    out.push({ file: site.src.file, range: site.src.rangeOf(['spec', 'observedUsage'], 'key'), severity: 'warning', rule: 'observed-usage-unmodelled', message: `${s.name}: Placement reported more in use${when} than the modelled workloads allocate in scenario ${r.scenario} (${over.join('; ')}): workloads outside the model hold this capacity, so the headroom shown is overstated` });
  }
  return out;
}

/**
 * "Apply the recommended placement": each workload whose recommended shares differ gets its
 * `shares` value replaced, in the style it is written in (a flow map stays one line; a block
 * map keeps its indentation). Undefined when there is nothing to change or the recommended
 * Placement cannot be read.
 */
export function applyRecommendedFix(src: SourceDocument, placementYaml: string | null | undefined, savingPct: number): Fix | undefined {
  if (!placementYaml) return undefined;
  let rec: { spec?: { workloads?: Record<string, { shares?: Record<string, number> }> } };
  try {
    rec = load(placementYaml, { schema: CORE_SCHEMA }) as typeof rec;
  } catch {
    return undefined;
  }
  const current = (src.value as { spec?: { workloads?: Record<string, { shares?: Record<string, unknown> }> } }).spec?.workloads ?? {};
  const edits: TextEdit[] = [];
  for (const [w, entry] of Object.entries(rec.spec?.workloads ?? {})) {
    const shares = entry.shares;
    if (!shares || !current[w]) continue;
    const before = current[w].shares ?? {};
    const keys = Object.keys(shares);
    if (keys.length === Object.keys(before).length && keys.every((k) => before[k] === shares[k])) continue;
    // sites in the order the user wrote them, new ones after
    const order = Object.keys(before);
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
    const sorted = [...keys].sort((a, b) => rank(a) - rank(b));
    const path = ['spec', 'workloads', w, 'shares'];
    const range = src.valueRange(path);
    const layout = src.mapIndent(path);
    if (!range) return undefined; // shares written in a form the fix cannot place: leave it to the user
    const pairs = sorted.map((site) => `${/^[A-Za-z0-9_.-]+$/.test(site) ? site : JSON.stringify(site)}: ${shares[site]}`);
    const newText = layout && !layout.flow ? pairs.join('\n' + ' '.repeat(layout.indent)) + (range.end.column === 1 ? '\n' : '') : `{ ${pairs.join(', ')} }`;
    edits.push({ file: src.file, range, newText });
  }
  if (edits.length === 0) return undefined;
  return { title: `Apply the recommended placement (${edits.length} workload${edits.length === 1 ? '' : 's'}, ${savingPct.toFixed(1)} % cheaper)`, edits };
}

/** The human summary of `headroom simulate`: a table per site and per workload, worst moments, N-1 verdict. */
import { bindingText } from './binding-text';
import type { RecommendOutcome } from '../recommend/recommend';
import { comparisonCell } from './comparison';
import { amountsText, amountUnit } from './demand-units';
import { count, money, PER_MONTH, quantity, ratesText, shortfallAmounts } from './money-format';
import { Report } from './report';
import { capacityCell } from './capacity-text';
import { devicesCounted, RESOURCE_LABEL, shortWorkloads } from '../model/resource-classes';

function table(head: string[], rows: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '─'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
}

export { money };

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
/** GiB as GiB or TiB; — where the site is not counted in it. */
const gib = (x: number | null | undefined) => (x === null || x === undefined || x === 0 ? '—' : x >= 1024 ? `${(x / 1024).toFixed(1)} TiB` : `${x.toFixed(0)} GiB`);

export function formatSummary(r: Report): string {
  const c = r.currency;
  let out = `Scenario ${r.scenario} · placement ${r.placement} (${r.mode}) · ${r.horizon.start} → ${r.horizon.end} · ${r.horizon.steps.toLocaleString('en-US')} steps of ${r.horizon.stepSeconds} s · money in ${c}${ratesText(r.exchangeRates, c)}\n`;
  out += `Total ${money(r.totals.cost, c)} (${money(r.totals.costPerMonth, c)} ${PER_MONTH}) · unserved ${amountsText(r.totals.unservedByUnit, quantity)} · ${count(r.totals.sloViolationSteps)} SLO-violation step(s)\n\n`;
  // PCPU, vGPU and PCI devices get their columns only when a site is counted in them
  const dev = devicesCounted(r.sites);
  out += 'Sites\n' + table(['site', 'type', 'vCPU', 'memory', 'disk', ...dev.map((k) => RESOURCE_LABEL[k]), 'peak vCPU', 'peak mem.', 'peak disk', ...dev.map((k) => `peak ${RESOURCE_LABEL[k]}`), 'p95 vCPU', 'binds', 'cost', 'idle', 'per month'],
    r.sites.map((s) => [s.name, s.type, capacityCell(s, (c) => (c.vcpus === null ? 'no quota' : quantity(c.vcpus))), capacityCell(s, (c) => gib(c.memoryMiB === null ? null : c.memoryMiB / 1024)), capacityCell(s, (c) => gib(c.diskGiB)), ...dev.map((k) => capacityCell(s, (c) => (c[k] === undefined ? '—' : quantity(c[k]!)))), pct(s.peakUtilization.vcpus), pct(s.peakUtilization.memoryMiB), pct(s.peakUtilization.diskGiB), ...dev.map((k) => pct(s.peakUtilization[k] ?? null)), pct(s.p95Utilization.vcpus), s.binding ? bindingText(s.binding, RESOURCE_LABEL[s.binding.resource], pct) : '—', money(s.cost, c), money(s.idleCost, c), money(s.costPerMonth, c)]),
    [false, false, true, true, true, ...dev.map(() => true), true, true, true, ...dev.map(() => true), true, false, true, true, true]);
  out += '\nWorkloads\n' + table(['workload', 'class', 'peak', 'p95', 'placement', 'peak inst.', 'unserved', 'SLO steps', 'cost'],
    r.workloads.map((w) => [w.name, w.class, `${quantity(w.demand.peak)} ${w.unit}`, `${quantity(w.demand.p95)} ${w.unit}`, Object.entries(w.sites).map(([s, v]) => `${s} ${v.share}`).join(' / '), Object.values(w.sites).map((v) => String(v.peakInstances)).join('/'), w.unservedRequests > 0 ? `${quantity(w.unservedRequests)} ${amountUnit(w.unit)}` : '0', count(w.sloViolationSteps), money(w.cost, c)]),
    [false, false, true, true, false, true, true, true, true]);
  if (r.worstMoments.length) {
    out += "\nWorst moments (unserved demand: each workload's as a share of its own peak, summed over workloads)\n" + r.worstMoments.map((m) => `  ${m.time}  ${(m.shortfallOfPeak * 100).toFixed(1)} % short · ${m.workloadsInViolation} workload(s) over target or short`).join('\n') + '\n';
  }
  out += '\nN-1 failover\n';
  for (const f of r.failover) {
    const short = shortWorkloads(f.shortfall);
    out += `  lose ${f.lostSite}: ${f.survives ? 'survives' : 'FAILS'}` + (short.length ? ` — short ${short.map(([w, v]) => `${w} ${v.instances} inst. (${shortfallAmounts(v)})`).join(', ')}` : '') + '\n';
  }
  if (r.recommendations.length) out += '\nRecommendations\n' + r.recommendations.map((x) => `  [${x.kind}] ${x.message}`).join('\n') + '\n';
  if (r.monteCarlo) {
    const m = r.monteCarlo;
    const q = (x: { p10?: number; p50: number; p90: number }, f: (v: number) => string) => `P10 ${f(x.p10 ?? x.p50)} · P50 ${f(x.p50)} · P90 ${f(x.p90)}`;
    out += `\nMonte Carlo (${m.runs} runs, seed ${m.seed})\n`;
    out += `  cost            ${q(m.cost, (v) => money(v, c))}\n`;
    if (m.costPerMonth) out += `  cost per month  ${q(m.costPerMonth, (v) => money(v, c))}\n`;
    // per unit, never added across units (a report from before unservedByUnit shows the added figure, labelled so)
    if (m.unservedByUnit) {
      const width = Math.max(6, ...Object.keys(m.unservedByUnit).map((k) => k.length));
      for (const [u, x] of Object.entries(m.unservedByUnit)) out += `  unserved ${u.padEnd(width)} ${q(x, quantity)}\n`;
    }
    else out += `  unserved (all units added) ${q(m.unservedRequests, quantity)}\n`;
    if (m.sloViolationSteps) out += `  SLO-violation steps ${q(m.sloViolationSteps, count)}\n`;
    out += `  P(any unserved demand) ${((m.sloBreachProbability ?? 0) * 100).toFixed(1)} %` + (m.n1FailureProbability !== null && m.n1FailureProbability !== undefined ? ` · P(N-1 failure under random outages) ${(m.n1FailureProbability * 100).toFixed(1)} %` : '') + '\n';
  }
  if (r.warnings.length) out += `\n${r.warnings.length} warning(s): ` + r.warnings.slice(0, 3).map((w) => `${w.workload}: ${w.message}`).join('; ') + (r.warnings.length > 3 ? '; …' : '') + '\n';
  return out;
}

export function formatRecommendation(o: RecommendOutcome): string {
  const r = o.report;
  let out = `Scenario ${r.scenario} · placement ${r.placement} · optimizer ${o.optimizer.status} (${o.optimizer.iterations} round(s))\n\n`;
  if (o.comparison) {
    const c = o.comparison;
    const rows = c.rows.map((row) => [row.label, comparisonCell(row, 'baseline', r.currency), comparisonCell(row, 'candidate', r.currency), comparisonCell(row, 'change', r.currency)]);
    out += 'Current vs recommended\n' + table(['', c.baseline, c.candidate, c.changeLabel], rows, [false, true, true, true]) + (c.note ? c.note + '\n' : '') + '\n';
  } else out += `No placement to recommend: ${o.reason}\n\n`;
  out += 'Recommendations\n' + r.recommendations.map((x) => `  [${x.kind}] ${x.message}`).join('\n') + '\n';
  if (o.placementYaml) out += '\nRecommended placement (paste into your workspace):\n---\n' + o.placementYaml;
  return out;
}

/**
 * Exports of the capacity-review report: one self-contained HTML file (the webview's own bundle
 * and stylesheet inlined, the data as JSON, a strict Content-Security-Policy with a fresh nonce,
 * no network, works from file://), Markdown tables for a pull request or wiki, CSV of cost per
 * workload, site and month, and the JSON itself. User strings are escaped for each format.
 */
import { bindingText } from './binding-text';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { comparisonCell } from './comparison';
import { amountsText, amountUnit } from './demand-units';
import { count, money as peopleMoney, PER_MONTH, quantity, ratesText, shortfallAmounts } from './money-format';
import { capacityCell } from './capacity-text';
import type { Report } from './report-types';
import { devicesCounted, RESOURCE_LABEL, shortWorkloads } from '../model/resource-classes';

/** The webview bundle and stylesheet built into dist/webview (from dist/ or dist/engine/). */
function webviewAsset(name: string): string {
  for (const dir of [path.resolve(__dirname, 'webview'), path.resolve(__dirname, '..', 'webview'), path.resolve(__dirname, '..', '..', 'webview')]) {
    const p = path.join(dir, name);
    if (p.includes(`${path.sep}dist${path.sep}`) && fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
  }
  throw new Error(`report asset ${name} not found next to ${__dirname}: run npm run build`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element: no "</script", no "<!--", no U+2028/9. */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function toHtml(report: Report, opts: { headroomTarget?: number; nonce?: string } = {}): string {
  const nonce = opts.nonce ?? randomBytes(16).toString('base64');
  const csp = `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
  const js = webviewAsset('report.js').replace(/<\/script/gi, '<\\/script');
  const css = webviewAsset('style.css');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Headroom capacity review: ${escapeHtml(report.scenario)}</title>
<style nonce="${nonce}">${css}</style>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="report-data" nonce="${nonce}">${jsonForScript({ report, headroomTarget: opts.headroomTarget ?? 0.2 })}</script>
<script nonce="${nonce}">${js}</script>
</body>
</html>
`;
}

/** Markdown cell: pipes and line breaks escaped, markup neutralised. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/\r?\n/g, ' ');
}

const money = (x: number) => x.toFixed(2);
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export function toMarkdown(r: Report): string {
  const lines: string[] = [];
  const row = (cells: (string | number)[]) => lines.push(`| ${cells.map((c) => mdCell(String(c))).join(' | ')} |`);
  const row4 = (...cells: string[]) => row(cells);
  const head = (cells: string[], right: boolean[]) => {
    row(cells);
    lines.push(`| ${cells.map((_, i) => (right[i] ? '---:' : '---')).join(' | ')} |`);
  };
  lines.push(`# Capacity review: ${mdCell(r.scenario)}`, '');
  lines.push(`Placement ${mdCell(r.placement)} (${r.mode}), ${r.horizon.start} → ${r.horizon.end}, ${count(r.horizon.steps)} steps of ${r.horizon.stepSeconds} s. Money in ${r.currency}${ratesText(r.exchangeRates, r.currency)}.`, '');
  // the headline as the summary and the HTML write it, the total also to the cent (the tables below carry the JSON's numbers)
  const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(r.totals.cost);
  lines.push(`**Total ${peopleMoney(r.totals.cost, r.currency)}** (${cents} ${r.currency}; ${peopleMoney(r.totals.costPerMonth, r.currency)} ${PER_MONTH}), unserved ${amountsText(r.totals.unservedByUnit, quantity)}, ${count(r.totals.sloViolationSteps)} SLO-violation steps.`, '');
  for (const [title, c] of [['Current against recommended', r.recommendation?.comparison], [`Scenario ${r.scenarioComparison?.baseline} against ${r.scenarioComparison?.candidate}`, r.scenarioComparison]] as const) {
    if (!c) continue;
    lines.push(`## ${mdCell(title)}`, '');
    head(['', c.baseline, c.candidate, c.changeLabel], [false, true, true, true]);
    for (const row of c.rows) row4(row.label, comparisonCell(row, 'baseline', r.currency, true), comparisonCell(row, 'candidate', r.currency, true), comparisonCell(row, 'change', r.currency, true));
    if (c.note) lines.push('', c.note);
    lines.push('');
  }
  lines.push('## Sites', '');
  const dev = devicesCounted(r.sites);
  head(['site', 'type', 'vCPU capacity', 'memory capacity (MiB)', 'disk capacity (GiB)', ...dev.map((k) => `${RESOURCE_LABEL[k]} capacity`), 'peak vCPU', 'peak memory', 'peak disk', ...dev.map((k) => `peak ${RESOURCE_LABEL[k]}`), 'p95 vCPU', 'binding (peak need)', `cost (${r.currency})`, `idle (${r.currency})`], [false, false, true, true, true, ...dev.map(() => true), true, true, true, ...dev.map(() => true), true, false, true, true]);
  for (const s of r.sites) row([s.name, s.type, capacityCell(s, (c) => String(c.vcpus ?? 'no quota')), capacityCell(s, (c) => String(c.memoryMiB || '—')), capacityCell(s, (c) => String(c.diskGiB || '—')), ...dev.map((k) => capacityCell(s, (c) => String(c[k] ?? '—'))), pct(s.peakUtilization.vcpus), pct(s.peakUtilization.memoryMiB ?? null), pct(s.peakUtilization.diskGiB ?? null), ...dev.map((k) => pct(s.peakUtilization[k] ?? null)), pct(s.p95Utilization.vcpus), s.binding ? bindingText(s.binding, RESOURCE_LABEL[s.binding.resource], pct) : '—', money(s.cost), money(s.idleCost)]);
  const mc = r.series?.monthlyCost;
  if (mc && mc.months.length) {
    lines.push('', `## Cost per calendar month (${r.currency})`, '');
    const label = (i: number) => (mc.partial[i] ? `${mc.months[i]} (partial, ${(mc.coveredSeconds[i] / 86400).toFixed(1)} days)` : mc.months[i]);
    head(['site', ...mc.months.map((_, i) => label(i))], [false, ...mc.months.map(() => true)]);
    for (const [site, v] of Object.entries(mc.bySite)) row([site, ...v.map(money)]);
  }
  lines.push('', '## Workloads', '');
  head(['workload', 'class', 'placement', 'unit', 'peak', 'p95', 'unserved', 'SLO steps', `cost (${r.currency})`], [false, false, false, false, true, true, true, true, true]);
  for (const w of r.workloads) row([w.name, w.class, Object.entries(w.sites).map(([s, v]) => `${s} ${v.share}`).join(' / '), w.unit, w.demand.peak, w.demand.p95, w.unservedRequests > 0 ? `${w.unservedRequests} ${amountUnit(w.unit)}` : 0, w.sloViolationSteps, money(w.cost)]);
  lines.push('', '## N-1 failover', '');
  head(['site lost', 'verdict', 'shortfall'], [false, false, false]);
  for (const f of r.failover) row([f.lostSite, f.survives ? 'survives' : '**fails**', shortWorkloads(f.shortfall).map(([w, v]) => `${w}: ${v.instances} instances, ${shortfallAmounts(v)}`).join('; ') || '—']);
  if (r.recommendations.length) {
    lines.push('', '## Recommendations', '');
    head(['kind', 'target', `saving (${r.currency})`, 'what'], [false, false, true, false]);
    for (const x of r.recommendations) row([x.kind, x.target, money(x.saving), x.message]);
  }
  if (r.monteCarlo) {
    const m = r.monteCarlo;
    lines.push('', `## Monte Carlo (${m.runs} runs, seed ${m.seed})`, '');
    head(['', 'P10', 'P50', 'P90'], [false, true, true, true]);
    row([`cost (${r.currency})`, money(m.cost.p10 ?? m.cost.p50), money(m.cost.p50), money(m.cost.p90)]);
    if (m.costPerMonth) row([`cost per month (${r.currency})`, money(m.costPerMonth.p10), money(m.costPerMonth.p50), money(m.costPerMonth.p90)]);
    if (m.unservedByUnit) for (const [u, x] of Object.entries(m.unservedByUnit)) row([`unserved (${u})`, x.p10, x.p50, x.p90]);
    else row(['unserved (all units added)', m.unservedRequests.p10 ?? m.unservedRequests.p50, m.unservedRequests.p50, m.unservedRequests.p90]);
    if (m.sloViolationSteps) row(['SLO-violation steps', m.sloViolationSteps.p10 ?? m.sloViolationSteps.p50, m.sloViolationSteps.p50, m.sloViolationSteps.p90]);
    lines.push('', `P(any unserved demand) ${pct(m.sloBreachProbability ?? 0)}` + (m.n1FailureProbability !== null && m.n1FailureProbability !== undefined ? `; P(N-1 failure under random outages) ${pct(m.n1FailureProbability)}` : '') + '.');
  }
  return lines.join('\n') + '\n';
}

/** RFC 4180 field. */
export function csvField(s: string | number): string {
  const t = String(s);
  return /[",\r\n]/.test(t) || /^[=+\-@]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** The CSV's workload column for a site's idle cost: no workload name can be it (names are lowercase DNS labels). */
export const IDLE_ROW = '(idle)';

/**
 * Cost per workload, site and calendar month (YYYY-MM in Settings.timezone), as the replay
 * summed it per workload-site pair; `partial` marks a month the horizon covers only in part.
 * Then each site's idle cost per month (workload `(idle)`), so that the rows add up to the
 * report's total cost. Without series (--no-series) one row per pair, and per site's idle cost,
 * holds the horizon's total.
 */

export function toCsv(r: Report): string {
  const out = ['workload,site,month,partial,cost,currency'];
  const mc = r.series?.monthlyCost;
  for (const w of r.workloads) {
    for (const [site, v] of Object.entries(w.sites)) {
      const months = mc?.byWorkloadSite[w.name]?.[site];
      if (!mc || !months) {
        out.push([w.name, site, 'total', '', v.cost.toFixed(2), r.currency].map(csvField).join(','));
        continue;
      }
      months.forEach((c, i) => out.push([w.name, site, mc.months[i], String(mc.partial[i]), c.toFixed(2), r.currency].map(csvField).join(',')));
    }
  }
  // each site's idle cost (what no workload's allocation is shown back), so that the rows add up to
  // the report's total: the site's cost in a month less what its workloads were shown that month
  for (const s of r.sites) {
    const total = mc?.bySite[s.name];
    if (!mc || !total) {
      out.push([IDLE_ROW, s.name, 'total', '', s.idleCost.toFixed(2), r.currency].map(csvField).join(','));
      continue;
    }
    total.forEach((c, i) => {
      let idle = c;
      for (const w of r.workloads) idle -= mc.byWorkloadSite[w.name]?.[s.name]?.[i] ?? 0;
      const cents = Math.round(idle * 100) / 100;
      out.push([IDLE_ROW, s.name, mc.months[i], String(mc.partial[i]), (cents === 0 ? 0 : cents).toFixed(2), r.currency].map(csvField).join(','));
    });
  }
  return out.join('\r\n') + '\r\n';
}

/**
 * The report JSON as people and diffs read it: JSON.stringify's two-space layout, except that an
 * array of numbers (a chart series, a month's costs) is written on one line, as `[1, 2.5, 3]`.
 * A year of 1,000 workloads' series is 25 MB this way against 62 MB with a number per line.
 * JSON.stringify does the layout, a replacer standing a token ("\u0000" and the array's index) in
 * for each such array, and the tokens are then replaced by the arrays' text. Should a key or a
 * string of the report itself hold U+0000 (a YAML "\0"), it could pass for a token: then the
 * plain layout is written. JSON.parse reads either back exactly.
 */
export function reportJson(value: unknown): string {
  const inline: string[] = [];
  let clash = false;
  const text = JSON.stringify(value, (key: string, v: unknown) => {
    if (key.includes('\u0000') || (typeof v === 'string' && v.includes('\u0000'))) clash = true;
    if (!Array.isArray(v) || v.length === 0) return v;
    for (const x of v) if (typeof x !== 'number') return v;
    inline.push('[' + v.map((x: number) => (Number.isFinite(x) ? String(x) : 'null')).join(', ') + ']');
    return `\u0000${inline.length - 1}`;
  }, 2);
  if (clash) return JSON.stringify(value, null, 2) + '\n';
  return (inline.length ? text.replace(/"\\u0000(\d+)"/g, (_m, i: string) => inline[Number(i)]) : text) + '\n';
}

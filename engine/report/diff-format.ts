/**
 * `headroom diff` for people: the terminal text, and Markdown for a pull-request comment — a
 * summary table first, details collapsed, always under GitHub's 65,536-character comment limit
 * (long lists are cut with a count of what was left out; the JSON has everything).
 */
import { mdCell } from './report-export';
import { count, money, quantity } from './money-format';
import type { VerdictSpare, WorkspaceDiff } from './workspace-diff';
import { NOTHING_INSTALLED, sparePct, targetPct } from './binding-text';
import { RESOURCE_LABEL, RESOURCES, ResourceKey } from '../model/resource-classes';

export const COMMENT_LIMIT = 65_536;
const signed = (x: number, f: (v: number) => string) => (x > 0 ? `+${f(x)}` : x < 0 ? `-${f(-x)}` : f(0));
const pt = (x: number) => `${(x * 100).toFixed(1)} pt`;
const verdict = (v: boolean | null, check: 'n1' | 'headroom') => (v === null ? '—' : check === 'n1' ? (v ? 'survives' : 'fails') : v ? 'met' : 'not met');

/** " (memory 23.5 % spare)" beside a headroom verdict, and the target where the side misses it; "" for an N-1 verdict. */
function spareNote(x: VerdictSpare | null | undefined, met: boolean | null): string {
  if (!x) return '';
  const label = RESOURCE_LABEL[x.resource as ResourceKey] ?? x.resource;
  const spare = x.spare <= -NOTHING_INSTALLED ? 'none installed' : `${sparePct(x.spare, x.target)} spare`;
  return ` (${label} ${spare}${met ? '' : `, target ${targetPct(x.target)}`})`;
}

/** " (short: core-ledger, customer-pii)" beside an N-1 verdict that fails. */
const shortNote = (names: readonly string[] | undefined) => (names?.length ? ` (short: ${names.join(', ')})` : '');

/**
 * A verdict that changed, as a line says it: "headroom pangyo: met (memory 23.5 % spare) → not
 * met (memory 8.2 % spare, target 20 %)", "n1 pangyo: survives → fails (short: core-ledger)".
 */
function verdictChange(v: WorkspaceDiff['change']['verdicts'][number], site: string): string {
  const side = (ok: boolean | null, which: 'before' | 'after') => verdict(ok, v.check) + (v.check === 'headroom' ? spareNote(v.spares?.[which], ok) : shortNote(v.short?.[which]));
  return `${v.check} ${site}: ${side(v.before, 'before')} → ${side(v.after, 'after')}`;
}

/** The lines of a diff, shared by both formats: [label, base, head, change]. */
function summaryRows(d: WorkspaceDiff): string[][] {
  const c = d.currency;
  const rows = [
    ['cost', money(d.base.totals.cost, c), money(d.head.totals.cost, c), signed(d.change.totals.cost, (v) => money(v, c))],
    ['cost per month', money(d.base.totals.costPerMonth, c), money(d.head.totals.costPerMonth, c), signed(d.change.totals.costPerMonth, (v) => money(v, c))],
    ...Object.entries(d.change.totals.unservedByUnit).map(([u, v]) => [`unserved ${u}`, quantity(d.base.totals.unservedByUnit[u] ?? 0), quantity(d.head.totals.unservedByUnit[u] ?? 0), signed(v, quantity)]),
    ['SLO-violation steps', count(d.base.totals.sloViolationSteps), count(d.head.totals.sloViolationSteps), signed(d.change.totals.sloViolationSteps, count)],
  ];
  for (const f of d.head.failover) {
    const b = d.base.failover.find((x) => x.lostSite === f.lostSite);
    rows.push([`lose ${f.lostSite}`, b ? verdict(b.survives, 'n1') : '—', verdict(f.survives, 'n1'), b && b.survives !== f.survives ? (f.survives ? 'now survives' : 'now FAILS') : '']);
  }
  return rows;
}

export function diffText(d: WorkspaceDiff): string {
  const rows = summaryRows(d);
  const head = ['', d.base.ref, d.head.ref, 'change (head − base)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => (i ? x.padStart(w[i]) : x.padEnd(w[i]))).join('  ').trimEnd();
  let out = `Diff ${d.base.ref} → ${d.head.ref} · scenario ${d.head.scenario} · money in ${d.currency}\n\n`;
  out += [line(head), line(w.map((n) => '─'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
  const months = d.change.months.filter((m) => m.cost !== 0);
  if (months.length) out += `\nCost change per calendar month: ${months.map((m) => `${m.month} ${signed(m.cost, (v) => money(v, d.currency))}`).join(', ')}\n`;
  const sites = d.change.sites.filter((s) => s.cost !== 0 || Object.values(s.peakUtilization).some((v) => v));
  if (sites.length) {
    out += '\nSites\n';
    for (const s of sites) out += `  ${s.name}: cost ${signed(s.cost, (v) => money(v, d.currency))}; peak ${Object.entries(s.peakUtilization).filter(([, v]) => v !== null).map(([k, v]) => `${RESOURCE_LABEL[k as ResourceKey]} ${signed(v!, pt)}`).join(', ')}\n`;
  }
  if (d.change.verdicts.length) out += '\nVerdicts that changed\n' + d.change.verdicts.map((v) => `  ${verdictChange(v, v.site)}`).join('\n') + '\n';
  const moved = d.change.workloads.filter((x) => JSON.stringify(x.sharesBefore) !== JSON.stringify(x.sharesAfter));
  if (moved.length) out += '\nShares that moved\n' + moved.map((x) => `  ${x.name}: ${shares(x.sharesBefore)} → ${shares(x.sharesAfter)}`).join('\n') + '\n';
  const dg = d.change.diagnostics;
  if (dg.added.length || dg.removed.length) {
    out += `\nDiagnostics: ${dg.added.length} added, ${dg.removed.length} removed\n`;
    out += dg.added.map((x) => `  + ${x.file}:${x.range.start.line}:${x.range.start.column}: ${x.severity}: ${x.message} [${x.rule}]`).join('\n') + (dg.added.length ? '\n' : '');
    out += dg.removed.map((x) => `  - ${x.file}: ${x.severity}: ${x.message} [${x.rule}]`).join('\n') + (dg.removed.length ? '\n' : '');
  }
  if (d.policies.length) out += '\nPolicies\n' + d.policies.map((p) => `  ${p.ok ? 'ok  ' : 'FAIL'} ${p.policy}${p.message ? `: ${p.message}` : ''}`).join('\n') + '\n';
  return out;
}

function shares(s: Record<string, number> | null): string {
  return s ? Object.entries(s).map(([k, v]) => `${k} ${v}`).join(' / ') : '(none)';
}

/** Markdown for a PR comment, never longer than `limit` characters. */
export function diffMarkdown(d: WorkspaceDiff, limit = COMMENT_LIMIT): string {
  const rows = summaryRows(d);
  const table = (head: string[], body: string[][], right: boolean[]) => [`| ${head.map(mdCell).join(' | ')} |`, `| ${right.map((r) => (r ? '---:' : '---')).join(' | ')} |`, ...body.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
  const failing = d.policies.filter((p) => !p.ok);
  const top = `## Headroom: capacity change\n\n${mdCell(d.base.ref)} → ${mdCell(d.head.ref)}, scenario **${mdCell(d.head.scenario)}**, money in ${d.currency}.` +
    (d.policies.length ? ` Policies: ${failing.length ? `**${failing.length} failing** (${failing.map((p) => mdCell(p.policy)).join(', ')})` : 'all passing'}.` : '') + '\n\n' +
    table(['', d.base.ref, d.head.ref, 'change (head − base)'], rows, [false, true, true, true]) + '\n';
  // the details, each collapsed; lists are cut to fit, largest first
  const sections: { title: string; lines: string[] }[] = [];
  const months = d.change.months.filter((m) => m.cost !== 0);
  if (months.length) sections.push({ title: 'Cost change per calendar month', lines: [table(['month', 'change', ...Object.keys(months[0].bySite)], months.map((m) => [m.month, signed(m.cost, (v) => money(v, d.currency)), ...Object.values(m.bySite).map((v) => signed(v, (x) => money(x, d.currency)))]), [false, true, ...Object.keys(months[0].bySite).map(() => true)])] });
  const sites = d.change.sites;
  // PCPU, vGPU and PCI devices only when some site has a change in them
  const keys = RESOURCES.filter((k) => k === 'vcpus' || k === 'memoryMiB' || k === 'diskGiB' || sites.some((s) => s.peakUtilization[k] !== undefined));
  if (sites.length) sections.push({ title: 'Sites: cost and peak utilization per resource', lines: [table(['site', 'cost', ...keys.map((k) => `peak ${RESOURCE_LABEL[k]}`)], sites.map((s) => [s.name, signed(s.cost, (v) => money(v, d.currency)), ...keys.map((k) => (s.peakUtilization[k] === null || s.peakUtilization[k] === undefined ? '—' : signed(s.peakUtilization[k]!, pt)))]), [false, true, ...keys.map(() => true)])] });
  if (d.change.verdicts.length) sections.push({ title: `Verdicts that changed (${d.change.verdicts.length})`, lines: d.change.verdicts.map((v) => `- ${verdictChange(v, `**${mdCell(v.site)}**`)}`) });
  const wl = [...d.change.workloads].sort((a, b) => Math.abs(b.cost) - Math.abs(a.cost));
  if (wl.length) sections.push({ title: `Workloads that changed (${wl.length})`, lines: wl.map((x) => `- **${mdCell(x.name)}**: ${signed(x.cost, (v) => money(v, d.currency))}${JSON.stringify(x.sharesBefore) !== JSON.stringify(x.sharesAfter) ? `; shares ${mdCell(shares(x.sharesBefore))} → ${mdCell(shares(x.sharesAfter))}` : ''}`) });
  const dg = d.change.diagnostics;
  if (dg.added.length || dg.removed.length) sections.push({ title: `Diagnostics: ${dg.added.length} added, ${dg.removed.length} removed`, lines: [...dg.added.map((x) => `- ➕ \`${mdCell(`${x.file}:${x.range.start.line}:${x.range.start.column}`)}\` ${x.severity}: ${mdCell(x.message)} [${x.rule}]`), ...dg.removed.map((x) => `- ➖ \`${mdCell(x.file)}\` ${x.severity}: ${mdCell(x.message)} [${x.rule}]`)] });
  if (d.policies.length) sections.push({ title: 'Policies', lines: d.policies.map((p) => `- ${p.ok ? '✅' : '❌'} \`${mdCell(p.policy)}\`${p.message ? `: ${mdCell(p.message)}` : ''}`) });
  const footer = '\n<sub>Posted by `headroom diff --format md`; the full change is in the JSON (`--format json`).</sub>\n';
  let budget = limit - top.length - footer.length;
  let body = '';
  for (const s of sections) {
    const open = `\n<details><summary>${s.title}</summary>\n\n`;
    const close = '\n\n</details>\n';
    if (budget < open.length + close.length + 80) break;
    let lines = s.lines;
    let text = lines.join('\n');
    while (open.length + text.length + close.length > budget && lines.length > 1) {
      lines = lines.slice(0, Math.max(1, Math.floor(lines.length / 2)));
      text = lines.join('\n') + `\n- … and ${s.lines.length - lines.length} more (in the JSON)`;
    }
    if (open.length + text.length + close.length > budget) text = text.slice(0, Math.max(0, budget - open.length - close.length - 40)) + '\n… (cut; see the JSON)';
    body += open + text + close;
    budget -= open.length + text.length + close.length;
  }
  const out = top + body + footer;
  return out.length <= limit ? out : out.slice(0, limit - 20) + '\n… (cut)\n';
}


/** Tables of the report: workloads (sortable), N-1 with shortfalls highlighted, recommendations, the side-by-side comparison. */
import { count, el, fmtMoney, fmtNum, fmtPct } from './dom';
import { Report } from './types';
import { Comparison, comparisonCell } from '../engine/report/comparison';
import { amountUnit } from '../engine/report/demand-units';
import { bindingText } from '../engine/report/binding-text';
import { capacityCell } from '../engine/report/capacity-text';
import { devicesCounted, RESOURCE_LABEL, shortWorkloads } from '../engine/model/resource-classes';
import { shortfallAmounts } from '../engine/report/money-format';

function table(head: string[], rows: (string | Node)[][], opts: { numeric?: boolean[]; cls?: string } = {}): HTMLTableElement {
  const t = el('table', { class: opts.cls ?? '' });
  t.append(el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { scope: 'col', class: opts.numeric?.[i] ? 'num' : '' }, h)))));
  const body = el('tbody');
  for (const r of rows) body.append(el('tr', {}, ...r.map((c, i) => el('td', { class: opts.numeric?.[i] ? 'num' : '' }, c))));
  t.append(body);
  return t;
}

export function workloadTable(parent: HTMLElement, r: Report): void {
  type Row = { name: string; cls: string; unit: string; peak: number; p95: number; cost: number; unserved: number; slo: number; placement: string };
  const data: Row[] = r.workloads.map((w) => ({
    name: w.name, cls: w.class, unit: w.unit, peak: w.demand.peak, p95: w.demand.p95, cost: w.cost, unserved: w.unservedRequests, slo: w.sloViolationSteps,
    placement: Object.entries(w.sites).map(([s, v]) => `${s} ${v.share}`).join(' / '),
  }));
  const cols: { key: keyof Row; label: string; num: boolean; fmt: (row: Row) => string }[] = [
    { key: 'name', label: 'workload', num: false, fmt: (x) => x.name },
    { key: 'cls', label: 'class', num: false, fmt: (x) => x.cls },
    { key: 'placement', label: 'placement', num: false, fmt: (x) => x.placement },
    { key: 'peak', label: 'peak', num: true, fmt: (x) => `${fmtNum(x.peak)} ${x.unit}` },
    { key: 'p95', label: 'p95', num: true, fmt: (x) => `${fmtNum(x.p95)} ${x.unit}` },
    { key: 'cost', label: `cost (${r.currency})`, num: true, fmt: (x) => fmtMoney(x.cost, r.currency) },
    { key: 'unserved', label: 'unserved', num: true, fmt: (x) => (x.unserved > 0 ? `${fmtNum(x.unserved)} ${amountUnit(x.unit)}` : '0') },
    { key: 'slo', label: 'SLO steps', num: true, fmt: (x) => count(x.slo) },
  ];
  const t = el('table', { class: 'workloads sortable' });
  const body = el('tbody');
  let sortKey: keyof Row = 'name';
  let asc = true;
  const render = () => {
    const rows = [...data].sort((a, b) => {
      const va = a[sortKey], vb = b[sortKey];
      const c = typeof va === 'number' ? (va as number) - (vb as number) : String(va).localeCompare(String(vb));
      return asc ? c : -c;
    });
    body.replaceChildren(...rows.map((row) => el('tr', {}, ...cols.map((c) => el('td', { class: c.num ? 'num' : '' }, c.fmt(row))))));
  };
  const headRow = el('tr');
  for (const c of cols) {
    const b = el('button', { type: 'button', class: 'sort' }, c.label);
    const th = el('th', { scope: 'col', class: c.num ? 'num' : '', 'aria-sort': c.key === sortKey ? 'ascending' : 'none' }, b);
    b.addEventListener('click', () => {
      asc = sortKey === c.key ? !asc : !c.num;
      sortKey = c.key;
      for (const h of Array.from(headRow.children)) h.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      render();
    });
    headRow.append(th);
  }
  t.append(el('thead', {}, headRow), body);
  render();
  parent.append(el('h2', {}, 'Workloads'), t);
}

export function failoverTable(parent: HTMLElement, r: Report): void {
  const rows: (string | Node)[][] = [];
  for (const f of r.failover) {
    const short = shortWorkloads(f.shortfall);
    rows.push([f.lostSite, el('span', { class: f.survives ? 'ok' : 'bad' }, f.survives ? 'survives' : 'fails'),
      short.length ? short.map(([w, v]) => `${w}: ${v.instances} instances, ${shortfallAmounts(v)}`).join('; ') : '—']);
  }
  const t = table(['site lost', 'verdict', 'shortfall at peak'], rows, { cls: 'failover' });
  t.querySelectorAll('tbody tr').forEach((tr, i) => !r.failover[i].survives && tr.classList.add('shortfall'));
  parent.append(el('h2', {}, 'N-1 failover'), t);
}

export function recommendationList(parent: HTMLElement, r: Report): void {
  if (!r.recommendations.length) return;
  const ul = el('ul', { class: 'recommendations' });
  for (const x of r.recommendations) {
    ul.append(el('li', {}, el('span', { class: `kind ${x.kind}` }, x.kind), ' ', x.saving > 0 ? el('strong', {}, `saves ${fmtMoney(x.saving, r.currency)} · `) : null, x.message));
  }
  parent.append(el('h2', {}, 'Recommendations'), ul);
}

/** Current against recommended, and scenario against scenario: the rows of engine/comparison.ts, change = candidate − baseline. */
export function comparisonTable(parent: HTMLElement, r: Report): void {
  const rec = r.recommendation?.comparison;
  if (rec) sideBySide(parent, r, 'Current against recommended', rec);
  const sc = r.scenarioComparison;
  if (sc) sideBySide(parent, r, `Scenario ${sc.baseline} against ${sc.candidate}`, sc);
}

function sideBySide(parent: HTMLElement, r: Report, title: string, c: Comparison): void {
  const rows: (string | Node)[][] = c.rows.map((row) => [
    row.label,
    comparisonCell(row, 'baseline', r.currency),
    comparisonCell(row, 'candidate', r.currency),
    el('span', { class: row.better === true ? 'ok' : row.better === false ? 'bad' : '' }, comparisonCell(row, 'change', r.currency)),
  ]);
  parent.append(el('h2', {}, title), table(['', c.baseline, c.candidate, c.changeLabel], rows, { numeric: [false, true, true, true], cls: 'comparison' }));
  if (c.note) parent.append(el('p', { class: 'note' }, c.note));
}

export function siteTable(parent: HTMLElement, r: Report): void {
  const gib = (x: number | null | undefined) => (!x ? '—' : x >= 1024 ? `${(x / 1024).toFixed(1)} TiB` : `${x.toFixed(0)} GiB`);
  const label = RESOURCE_LABEL;
  const dev = devicesCounted(r.sites); // PCPU, vGPU, PCI devices: columns only where a site has them
  const rows = r.sites.map((s) => [s.name, s.type, s.region, capacityCell(s, (c) => (c.vcpus === null ? 'no quota' : fmtNum(c.vcpus))), capacityCell(s, (c) => gib(c.memoryMiB ? c.memoryMiB / 1024 : null)), capacityCell(s, (c) => gib(c.diskGiB)), ...dev.map((k) => capacityCell(s, (c) => (c[k] === undefined ? '—' : fmtNum(c[k]!)))),
    fmtPct(s.peakUtilization.vcpus), fmtPct(s.peakUtilization.memoryMiB), fmtPct(s.peakUtilization.diskGiB), ...dev.map((k) => fmtPct(s.peakUtilization[k] ?? null)), s.binding ? bindingText(s.binding, label[s.binding.resource], fmtPct) : '—', fmtMoney(s.cost, r.currency), fmtMoney(s.idleCost, r.currency)]);
  parent.append(el('h2', {}, 'Sites'), table(['site', 'type', 'region', 'vCPU', 'memory', 'disk', ...dev.map((k) => label[k]), 'peak vCPU', 'peak memory', 'peak disk', ...dev.map((k) => `peak ${label[k]}`), 'binds (peak need)', 'cost', 'idle cost'], rows, { numeric: [false, false, false, true, true, true, ...dev.map(() => true), true, true, true, ...dev.map(() => true), false, true, true] }));
}

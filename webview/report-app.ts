/**
 * The capacity-review report: one renderer for the VS Code webview and the standalone export.
 * Data comes from a <script type="application/json" id="report-data"> element (export) or a
 * typed postMessage (webview); everything is drawn with DOM text nodes and d3, never innerHTML.
 */
import { amountsText } from '../engine/report/demand-units';
import { mostCrowded } from '../engine/report/binding-text';
import { ChartResource, costChart, monteCarloChart, siteChart, utilizationChart } from './charts';
import { count, el, fmtMoney, fmtNum, PER_MONTH, ratesText } from './dom';
import { comparisonTable, failoverTable, recommendationList, siteTable, workloadTable } from './tables';
import { Report } from './types';
import { RESOURCE_LABEL, RESOURCES } from '../engine/model/resource-classes';

export function renderReport(root: HTMLElement, r: Report, headroomTarget = 0.2, opts: { stale?: boolean; onRerun?: () => void } = {}): void {
  root.replaceChildren();
  if (opts.stale) {
    // the workspace changed after this result: say so above everything, with the way to refresh it
    const banner = el('div', { class: 'stale-banner', role: 'status' }, 'The workspace changed after this report was computed: its numbers are out of date. ');
    if (opts.onRerun) {
      const b = el('button', { type: 'button', class: 'rerun' }, 'Re-run');
      b.addEventListener('click', () => opts.onRerun!());
      banner.append(b);
    }
    root.append(banner);
  }
  root.append(
    el('header', {},
      el('h1', {}, `Capacity review: ${r.scenario}`),
      el('p', { class: 'meta' }, `Placement ${r.placement ?? ''} (${r.mode ?? ''}) · ${r.horizon.start} → ${r.horizon.end} · ${r.horizon.steps.toLocaleString('en-US')} steps of ${r.horizon.stepSeconds} s · money in ${r.currency}${ratesText(r.exchangeRates, r.currency)}`),
      el('p', { class: 'totals' }, `Total ${fmtMoney(r.totals.cost, r.currency)} (${fmtMoney(r.totals.costPerMonth, r.currency)} ${PER_MONTH}) · unserved ${amountsText(r.totals.unservedByUnit ?? {}, fmtNum)} · ${count(r.totals.sloViolationSteps)} SLO-violation steps`)),
  );
  const main = el('main');
  root.append(main);
  comparisonTable(main, r);
  recommendationList(main, r);
  siteTable(main, r);
  if (r.series) {
    const charts = el('section', { class: 'charts' }, el('h2', {}, 'Demand against capacity'), el('p', { class: 'hint' }, 'Drag across a chart to zoom, double-click to reset; click a legend entry to hide or show it.'));
    main.append(charts);
    // one resource at a time; memory binds on OpenStack more often than vCPU
    const counted = new Set(Object.values(r.series.sites).flatMap((s) => s.resources ?? ['vcpus']));
    const choices = RESOURCES.filter((k) => k === 'vcpus' || counted.has(k));
    // shown first: the resource that binds at the most crowded site (the sites table's "binds"), else vCPU
    const crowded = mostCrowded(r.sites);
    const first: ChartResource = crowded && (choices as string[]).includes(crowded.binding!.resource) ? (crowded.binding!.resource as ChartResource) : 'vcpus';
    const area = el('div', { class: 'resource-charts' });
    const draw = (resource: ChartResource) => {
      area.replaceChildren();
      for (const s of Object.keys(r.series!.sites)) siteChart(area, r, s, resource);
      utilizationChart(area, r, headroomTarget, resource);
    };
    if (choices.length > 1) {
      const names = RESOURCE_LABEL;
      const bar = el('div', { class: 'resource-switch', role: 'group', 'aria-label': 'Resource' }, 'Resource: ');
      for (const k of choices) {
        const b = el('button', { type: 'button', 'aria-pressed': k === first ? 'true' : 'false', 'data-resource': k }, names[k]);
        b.addEventListener('click', () => {
          bar.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', x === b ? 'true' : 'false'));
          draw(k);
        });
        bar.append(b);
      }
      charts.append(bar);
    }
    charts.append(area);
    draw(first);
    const cost = el('section', { class: 'charts' }, el('h2', {}, 'Cost'));
    main.append(cost);
    costChart(cost, r, 'bySite');
    costChart(cost, r, 'byWorkload');
  }
  if (r.monteCarlo) monteCarloChart(main, r);
  failoverTable(main, r);
  workloadTable(main, r);
  if (r.warnings?.length) main.append(el('h2', {}, 'Warnings'), el('ul', {}, ...r.warnings.map((w) => el('li', {}, `${w.workload}: ${w.message}`))));
}

/** The message the extension posts to the webview (and the state kept across reloads). */
export interface ReportMessage { type: 'report'; report: Report; headroomTarget?: number; stale?: boolean }

declare function acquireVsCodeApi(): { getState(): ReportMessage | undefined; setState(s: ReportMessage): void; postMessage(m: unknown): void };

function boot(): void {
  const root = document.getElementById('app');
  const data = document.getElementById('report-data');
  if (!root) return;
  const vscodeApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  if (data?.textContent) {
    const parsed = JSON.parse(data.textContent) as { report: Report; headroomTarget?: number };
    renderReport(root, parsed.report, parsed.headroomTarget);
  } else {
    const kept = vscodeApi?.getState();
    if (kept?.report) renderReport(root, kept.report, kept.headroomTarget, { stale: kept.stale, onRerun: () => vscodeApi?.postMessage({ type: 'rerun' }) });
  }
  // In VS Code the extension posts typed { type: 'report' } messages; the last one is kept as
  // state, so the panel comes back after it is hidden or the window reloads.
  window.addEventListener('message', (ev: MessageEvent<ReportMessage>) => {
    if (ev.data?.type !== 'report' || !ev.data.report) return;
    renderReport(root, ev.data.report, ev.data.headroomTarget, { stale: ev.data.stale, onRerun: () => vscodeApi?.postMessage({ type: 'rerun' }) });
    vscodeApi?.setState(ev.data);
  });
  vscodeApi?.postMessage({ type: 'ready' });
}

boot();

/**
 * d3 charts of the report: demand against capacity per site (running vCPU stacked by workload,
 * needed and capacity lines, outage bands, brush to zoom, tooltip, legend that toggles series),
 * utilization against the headroom line, monthly cost stacked by site and by workload, and the
 * Monte Carlo range. Colours come from VS Code theme variables (with fallbacks for the export).
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { brushX } from 'd3-brush';
import { max } from 'd3-array';
import { scaleBand, scaleLinear, scaleOrdinal, scaleUtc } from 'd3-scale';
import { select, Selection } from 'd3-selection';
import { line, stack } from 'd3-shape';
import { Report } from './types';
import { count, el, fmtMoney, fmtNum } from './dom';
import { Layer, layerPath, positionsText, stackLayers } from './layer-path';
import { RESOURCE_LABEL, RESOURCE_UNIT, ResourceKey } from '../engine/model/resource-classes';
import { targetPct } from '../engine/report/binding-text';

const SVG = 'http://www.w3.org/2000/svg';
const W = 860;
const H = 260;
const M = { top: 12, right: 16, bottom: 28, left: 56 };

/** Theme-aware categorical palette: VS Code chart colours first. */
/**
 * Categorical colours, far apart in hue and lightness: VS Code's six chart colours (theme-aware),
 * then eight fixed ones from the Tableau/ColorBrewer sets that no two neighbours share a hue with.
 */
export const PALETTE = ['var(--vscode-charts-blue, #3794ff)', 'var(--vscode-charts-orange, #d18616)', 'var(--vscode-charts-green, #89d185)', 'var(--vscode-charts-purple, #b180d7)', 'var(--vscode-charts-yellow, #cca700)', 'var(--vscode-charts-red, #f14c4c)', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#6a3d9a', '#fb9a99', '#1b9e77'];

/** A chart's figure with its caption and SVG button; the SVG is W wide and `height` high (viewBox units). */
function svgRoot(parent: HTMLElement, title: string, height = H): Selection<SVGSVGElement, unknown, null, undefined> {
  const save = el('button', { type: 'button', class: 'save-svg', title: 'Save this chart as an SVG file' }, 'SVG');
  const fig = el('figure', { class: 'chart' }, el('figcaption', {}, title, ' ', save));
  parent.append(fig);
  const svg = select(fig).append('svg').attr('xmlns', SVG).attr('viewBox', `0 0 ${W} ${height}`).attr('role', 'img').attr('aria-label', title);
  save.addEventListener('click', () => downloadSvg(svg.node()!, title));
  return svg as unknown as Selection<SVGSVGElement, unknown, null, undefined>;
}

/**
 * The chart as a standalone SVG file: computed colours and strokes are copied onto the clone
 * (the theme's CSS variables do not travel), then downloaded from a blob: URL (no network).
 */
export function svgMarkup(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('*');
  const dst = clone.querySelectorAll('*');
  src.forEach((node, i) => {
    const cs = getComputedStyle(node as Element);
    const d = dst[i] as SVGElement;
    for (const prop of ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'display']) {
      const v = cs.getPropertyValue(prop);
      d.style.setProperty(prop, v);
      if (d.getAttribute(prop)?.includes('var(')) d.setAttribute(prop, v);
    }
  });
  clone.setAttribute('width', String(W));
  clone.setAttribute('height', String(H));
  clone.querySelector('g.brush')?.remove();
  return new XMLSerializer().serializeToString(clone);
}

function downloadSvg(svg: SVGSVGElement, title: string): void {
  const url = URL.createObjectURL(new Blob([svgMarkup(svg)], { type: 'image/svg+xml' }));
  const a = el('a', { href: url, download: `${title.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.svg` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function tooltip(): HTMLElement {
  let t = document.getElementById('hr-tooltip');
  if (!t) {
    t = el('div', { id: 'hr-tooltip', class: 'tooltip', role: 'tooltip' });
    t.hidden = true;
    document.body.append(t);
  }
  return t;
}

function showTip(ev: MouseEvent, lines: string[]): void {
  const t = tooltip();
  t.replaceChildren(...lines.map((l) => el('div', {}, l)));
  t.hidden = false;
  t.style.left = `${ev.pageX + 12}px`;
  t.style.top = `${ev.pageY + 12}px`;
}

function hideTip(): void {
  tooltip().hidden = true;
}

/**
 * Times for people: a 24-hour clock in the workspace's time zone (Settings.timezone), named in
 * each chart's caption; the tick format follows the span shown (hours, days or months).
 */
function zoneOf(report: Report): string {
  return report.timezone || 'UTC';
}
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string, kind: 'time' | 'day' | 'month' | 'full'): Intl.DateTimeFormat {
  const key = `${tz}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = kind === 'time' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : kind === 'day' ? { month: 'short', day: 'numeric' }
      : kind === 'month' ? { year: 'numeric', month: 'short' }
      : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, ...opts });
    formatters.set(key, f);
  }
  return f;
}
/** Tick labels for a time axis spanning [a, b]. */
function timeTicks(report: Report, a: Date, b: Date): (d: Date) => string {
  const span = (b.getTime() - a.getTime()) / 86_400_000;
  const f = formatter(zoneOf(report), span <= 2 ? 'time' : span <= 120 ? 'day' : 'month');
  return (d) => f.format(d);
}
/** A moment in the tooltip: "2027-01-01 09:00 Asia/Seoul". */
export function momentText(report: Report, d: Date): string {
  const parts = Object.fromEntries(formatter(zoneOf(report), 'full').formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zoneOf(report)}`;
}
/**
 * A panel's width, read once per task: reading clientWidth lays the page out first, and the
 * charts of one panel are drawn one after another in the same task, each changing the page, so
 * each read was a layout of its own (five of them, 66 ms of a 100-workload report's first paint).
 * The width does not change while they are drawn; a later task (a brush's zoom) reads it again.
 */
const widths = new Map<HTMLElement, number>();
function panelWidth(parent: HTMLElement): number {
  let w = widths.get(parent);
  if (w === undefined) {
    if (!widths.size) queueMicrotask(() => widths.clear());
    w = parent.clientWidth;
    widths.set(parent, w);
  }
  return w;
}

/** Fewer ticks in a narrow panel, so labels never collide. */
function tickCount(parent: HTMLElement, wide: number): number {
  const w = panelWidth(parent) || 1000;
  return w < 500 ? Math.max(2, Math.floor(wide / 3)) : w < 800 ? Math.max(3, Math.floor(wide / 2)) : wide;
}

export type ChartResource = ResourceKey;
type SiteSeriesData = NonNullable<Report['series']>['sites'][string];

/** A site's capacity, allocated and needed series and per-workload running series in one resource (vCPU when the site is not counted in it). */
function inResource(ss: SiteSeriesData, resource: ChartResource): { capacity: number[]; allocated: number[]; needed: number[]; byWorkload: Record<string, number[]>; resource: ChartResource } {
  const has = resource === 'vcpus' || (ss.resources ?? ['vcpus']).includes(resource);
  if (!has) return { capacity: ss.capacityVcpus, allocated: ss.allocatedVcpus, needed: ss.neededVcpus, byWorkload: ss.byWorkload, resource: 'vcpus' };
  if (resource === 'vcpus' && !ss.shapes) return { capacity: ss.capacityVcpus, allocated: ss.allocatedVcpus, needed: ss.neededVcpus, byWorkload: ss.byWorkload, resource };
  const suffix = resource[0].toUpperCase() + resource.slice(1);
  // byWorkload is running CPUs (shared or dedicated): running instances × the shape's amount of the resource
  const byWorkload: Record<string, number[]> = {};
  for (const [w, v] of Object.entries(ss.byWorkload)) {
    const shape = ss.shapes?.[w];
    const cpus = shape ? shape.vcpus + (shape.pcpus ?? 0) : 0;
    const k = shape && cpus > 0 ? (shape[resource] ?? 0) / cpus : 0;
    byWorkload[w] = v.map((x) => x * k);
  }
  return { capacity: (ss as Record<string, unknown>)[`capacity${suffix}`] as number[], allocated: (ss as Record<string, unknown>)[`allocated${suffix}`] as number[], needed: (ss as Record<string, unknown>)[`needed${suffix}`] as number[], byWorkload, resource };
}

/** Demand against capacity for one site, in one resource; the brush zooms, double-click resets. */
export function siteChart(parent: HTMLElement, report: Report, siteName: string, want: ChartResource = 'vcpus'): void {
  const series = report.series!;
  const ss0 = series.sites[siteName];
  const view = inResource(ss0, want);
  const unit = RESOURCE_UNIT[view.resource];
  const ss = { capacityVcpus: view.capacity, neededVcpus: view.needed, byWorkload: view.byWorkload };
  const n = ss.capacityVcpus.length;
  const t0 = Date.parse(series.start);
  const times = Array.from({ length: n }, (_, i) => new Date(t0 + i * series.bucketSeconds * 1000));
  const names = Object.keys(ss.byWorkload);
  const hidden = new Set<string>();
  const color = scaleOrdinal<string, string>().domain(names).range(PALETTE);
  const svg = svgRoot(parent, `${siteName}: running ${RESOURCE_LABEL[view.resource]} by workload, needed and capacity (${unit}; times in ${zoneOf(report)})`);
  const x = scaleUtc().domain([times[0], times[n - 1]]).range([M.left, W - M.right]);
  const y = scaleLinear().range([H - M.bottom, M.top]);
  const gx = svg.append('g').attr('class', 'axis x').attr('transform', `translate(0,${H - M.bottom})`);
  const gy = svg.append('g').attr('class', 'axis y').attr('transform', `translate(${M.left},0)`);
  const bands = svg.append('g').attr('class', 'bands');
  const areas = svg.append('g').attr('class', 'areas');
  const lines = svg.append('g').attr('class', 'lines');
  const clipId = `clip-${siteName.replace(/[^a-z0-9-]/g, '_')}`;
  svg.append('clipPath').attr('id', clipId).append('rect').attr('x', M.left).attr('y', M.top).attr('width', W - M.left - M.right).attr('height', H - M.top - M.bottom);
  for (const g of [bands, areas, lines]) g.attr('clip-path', `url(#${clipId})`);

  const draw = () => {
    const visible = names.filter((w) => !hidden.has(w));
    // stacked straight from the per-workload arrays (no row objects), x positions computed once
    const stacked = stackLayers(visible, n, (w, i) => ss.byWorkload[w][i]);
    const xs = times.map((t) => x(t));
    const [a, b] = x.domain();
    const inView = (i: number) => times[i] >= a && times[i] <= b;
    const top = max(times.map((_, i) => (inView(i) ? Math.max(ss.capacityVcpus[i], ss.neededVcpus[i], stacked.length ? stacked[stacked.length - 1].top[i] : 0) : 0))) ?? 1;
    y.domain([0, top * 1.05 || 1]);
    const [d0, d1] = x.domain();
    gx.call(axisBottom(x).ticks(tickCount(parent, 8)).tickFormat((d) => timeTicks(report, d0, d1)(d as Date)));
    gy.call(axisLeft(y).ticks(5).tickFormat((v) => fmtNum(Number(v))));
    // one decimal is finer than a pixel in the viewBox, and keeps the path strings short; the
    // x positions written once for every layer (layer-path.ts: d3's area().digits(1), to the character)
    const xText = positionsText(xs);
    areas.selectAll('path').data(stacked, (d) => (d as Layer).key).join('path')
      .attr('class', 'stack').attr('fill', (d) => color(d.key)).attr('d', (d) => layerPath(xText, d.base, d.top, y));
    const ln = (vals: number[]) => line<number>().x((_, i) => xs[i]).y((v) => y(v)).digits(1)(vals);
    const hasCapacity = ss.capacityVcpus.some((c) => c > 0); // a public site without quota has none
    lines.selectAll('path').data([...(hasCapacity ? [{ k: 'capacity', v: ss.capacityVcpus }] : []), { k: 'needed', v: ss.neededVcpus }]).join('path')
      .attr('class', (d) => `line ${d.k}`).attr('d', (d) => ln(d.v));
    const ev = (report.events ?? []).filter((e) => e.site === siteName && e.end);
    bands.selectAll('rect').data(ev).join('rect').attr('class', 'outage')
      .attr('x', (e) => x(new Date(e.start))).attr('width', (e) => Math.max(2, x(new Date(e.end!)) - x(new Date(e.start))))
      .attr('y', M.top).attr('height', H - M.top - M.bottom)
      .on('mousemove', (m: MouseEvent, e) => showTip(m, [`${e.type}${e.zone ? ` ${e.zone}` : ''}`, `${e.start} → ${e.end}`]))
      .on('mouseleave', hideTip);
  };
  const brush = brushX().extent([[M.left, M.top], [W - M.right, H - M.bottom]]).on('end', (e: { selection: [number, number] | null }) => {
    if (!e.selection) return;
    x.domain([x.invert(e.selection[0]), x.invert(e.selection[1])]);
    svg.select<SVGGElement>('g.brush').call(brush.move as never, null);
    draw();
  });
  svg.append('g').attr('class', 'brush').call(brush as never);
  // Tooltip from the pointer's time (the brush overlay lies on top of the areas).
  svg.on('mousemove', (ev: MouseEvent) => {
    const node = svg.node()!;
    const px = (ev.offsetX * W) / node.clientWidth;
    if (px < M.left || px > W - M.right) return hideTip();
    const i = Math.max(0, Math.min(n - 1, Math.round((x.invert(px).getTime() - t0) / 1000 / series.bucketSeconds)));
    const top = names.filter((w) => !hidden.has(w)).map((w) => ({ w, v: ss.byWorkload[w][i] })).sort((p, q) => q.v - p.v).slice(0, 5);
    showTip(ev, [`${siteName} · ${momentText(report, times[i])}`, `capacity ${fmtNum(ss.capacityVcpus[i])} ${unit} · needed ${fmtNum(ss.neededVcpus[i])}`, ...top.map((t) => `${t.w}: ${fmtNum(t.v)} ${unit} running (mean)`)]);
  });
  svg.on('mouseleave', hideTip);
  svg.on('dblclick', () => {
    x.domain([times[0], times[n - 1]]);
    draw();
  });
  draw();
  legend(parent.lastElementChild as HTMLElement, [...names.map((w) => ({ key: w, color: color(w) })), { key: 'needed', color: '', cls: 'needed' }, { key: 'capacity', color: '', cls: 'capacity' }], (k) => {
    if (k === 'needed' || k === 'capacity') {
      const sel = lines.select(`path.${k}`);
      sel.classed('hidden', !sel.classed('hidden'));
      return;
    }
    if (hidden.has(k)) hidden.delete(k);
    else hidden.add(k);
    draw();
  });
}

function legend(fig: HTMLElement, items: { key: string; color: string; cls?: string }[], toggle: (k: string) => void): void {
  const ul = el('ul', { class: 'legend' });
  for (const it of items) {
    const sw = el('span', { class: `swatch ${it.cls ?? ''}` });
    if (it.color) sw.style.background = it.color;
    const b = el('button', { type: 'button', 'aria-pressed': 'true' }, sw, it.key);
    b.addEventListener('click', () => {
      toggle(it.key);
      b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
    });
    ul.append(el('li', {}, b));
  }
  fig.append(ul);
}

/** Stacked monthly cost bars (by site or by workload). */
export function costChart(parent: HTMLElement, report: Report, by: 'bySite' | 'byWorkload'): void {
  const mc = report.series!.monthlyCost;
  const keys = Object.keys(mc[by]);
  // calendar months (YYYY-MM in the workspace's time zone); a month the horizon covers only in part is marked
  const months = mc.months.map((m, i) => (mc.partial?.[i] ? `${m}*` : m));
  const rows = months.map((_, i) => Object.fromEntries(keys.map((k) => [k, mc[by][k][i] ?? 0])));
  const stacked = stack<Record<string, number>>().keys(keys)(rows);
  const svg = svgRoot(parent, `Cost per month by ${by === 'bySite' ? 'site' : 'workload'} (${report.currency})`);
  const x = scaleBand().domain(months).range([M.left, W - M.right]).padding(0.2);
  const y = scaleLinear().domain([0, (max(stacked.length ? stacked[stacked.length - 1].map((d) => d[1]) : [0]) ?? 0) * 1.05 || 1]).range([H - M.bottom, M.top]);
  const color = scaleOrdinal<string, string>().domain(keys).range(PALETTE);
  svg.append('g').attr('class', 'axis x').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x));
  svg.append('g').attr('class', 'axis y').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(5).tickFormat((v) => fmtNum(Number(v))));
  svg.append('g').selectAll('g').data(stacked).join('g').attr('fill', (d) => color(d.key))
    .selectAll('rect').data((d) => d.map((v, i) => ({ key: d.key, v, i }))).join('rect')
    .attr('class', 'bar').attr('x', (d) => x(months[d.i])!).attr('width', x.bandwidth())
    .attr('y', (d) => y(d.v[1])).attr('height', (d) => Math.max(0, y(d.v[0]) - y(d.v[1])))
    .on('mousemove', (ev: MouseEvent, d) => showTip(ev, [d.key, mc.partial?.[d.i] ? `${mc.months[d.i]} (partial: ${(mc.coveredSeconds[d.i] / 86400).toFixed(1)} days)` : mc.months[d.i], fmtMoney(d.v[1] - d.v[0], report.currency)]))
    .on('mouseleave', hideTip);
  const fig = parent.lastElementChild as HTMLElement;
  legend(fig, keys.map((k) => ({ key: k, color: color(k) })), () => undefined);
  if (mc.partial?.some(Boolean)) fig.append(el('p', { class: 'note' }, '* a month the horizon covers only in part'));
  // workloads are shown back what they allocate: the sites' idle capacity is in the site chart only
  const idle = report.sites.reduce((m, s) => m + s.idleCost, 0);
  if (by === 'byWorkload' && idle > 0) fig.append(el('p', { class: 'note' }, `Idle capacity (paid for, allocated to no workload: ${fmtMoney(idle, report.currency)} over the horizon) is in the cost by site, not here.`));
}

/** Utilization of each site's capacity per bucket in one resource, with the headroom line (1 − headroomTarget). */
export function utilizationChart(parent: HTMLElement, report: Report, headroomTarget: number, resource: ChartResource = 'vcpus'): void {
  const series = report.series!;
  const counted = (s: string) => resource === 'vcpus' || (series.sites[s].resources ?? []).includes(resource);
  const names = Object.keys(series.sites).filter((s) => counted(s) && inResource(series.sites[s], resource).capacity.some((c) => c > 0));
  if (!names.length) return;
  const n = series.sites[names[0]].capacityVcpus.length;
  const t0 = Date.parse(series.start);
  const times = Array.from({ length: n }, (_, i) => new Date(t0 + i * series.bucketSeconds * 1000));
  const svg = svgRoot(parent, `Peak ${RESOURCE_LABEL[resource]} utilization per site, with the ${targetPct(1 - headroomTarget)} headroom line (times in ${zoneOf(report)})`);
  const x = scaleUtc().domain([times[0], times[n - 1]]).range([M.left, W - M.right]);
  const u = (s: string) => {
    const v = inResource(series.sites[s], resource);
    return v.allocated.map((a, i) => (v.capacity[i] > 0 ? a / v.capacity[i] : 0));
  };
  const y = scaleLinear().domain([0, Math.max(1, max(names.flatMap(u)) ?? 1)]).range([H - M.bottom, M.top]);
  const color = scaleOrdinal<string, string>().domain(names).range(PALETTE);
  svg.append('g').attr('class', 'axis x').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).ticks(tickCount(parent, 8)).tickFormat((d) => timeTicks(report, times[0], times[n - 1])(d as Date)));
  svg.append('g').attr('class', 'axis y').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(5).tickFormat((v) => `${Math.round(Number(v) * 100)} %`));
  svg.append('line').attr('class', 'target').attr('x1', M.left).attr('x2', W - M.right).attr('y1', y(1 - headroomTarget)).attr('y2', y(1 - headroomTarget));
  for (const s of names) svg.append('path').attr('class', 'util').attr('stroke', color(s)).attr('d', line<number>().x((_, i) => x(times[i])).y((v) => y(v))(u(s)));
  legend(parent.lastElementChild as HTMLElement, names.map((k) => ({ key: k, color: color(k) })), () => undefined);
}

/** Monte Carlo: P10–P90 range with the P50 mark, for cost and for unserved demand. */
export function monteCarloChart(parent: HTMLElement, report: Report): void {
  const mc = report.monteCarlo;
  if (!mc) return;
  const rows = [
    { k: `cost (${report.currency})`, q: mc.cost, f: (v: number) => fmtMoney(v, report.currency) },
    ...(mc.costPerMonth ? [{ k: 'cost per month', q: mc.costPerMonth, f: (v: number) => fmtMoney(v, report.currency) }] : []),
    ...(mc.unservedByUnit ? Object.entries(mc.unservedByUnit).map(([u, q]) => ({ k: `unserved ${u}`, q, f: fmtNum })) : [{ k: 'unserved (all units added)', q: mc.unservedRequests, f: fmtNum }]),
    ...(mc.sloViolationSteps ? [{ k: 'SLO-violation steps', q: mc.sloViolationSteps, f: count }] : []),
  ];
  // 60 units a row (a bar, then its axis in the gap below it), however many units of unserved demand there are
  const height = M.top + M.bottom + rows.length * 60;
  const svg = svgRoot(parent, `Monte Carlo: ${mc.runs} runs, seed ${mc.seed} (P10–P90, P50 marked)`, height);
  const band = scaleBand().domain(rows.map((r) => r.k)).range([M.top, height - M.bottom]).padding(0.4);
  rows.forEach((r) => {
    const lo = r.q.p10 ?? r.q.p50;
    const hi = r.q.p90;
    const x = scaleLinear().domain([Math.min(lo, r.q.p50) * 0.98, hi * 1.02 || 1]).range([M.left + 180, W - M.right]); // room for "unserved cpu-percent·s"
    const g = svg.append('g').attr('transform', `translate(0,${band(r.k)})`);
    g.append('text').attr('x', M.left).attr('y', band.bandwidth() / 2).attr('class', 'label').text(r.k);
    g.append('rect').attr('class', 'fan').attr('x', x(lo)).attr('width', Math.max(2, x(hi) - x(lo))).attr('height', band.bandwidth())
      .on('mousemove', (ev: MouseEvent) => showTip(ev, [r.k, `P10 ${r.f(lo)}`, `P50 ${r.f(r.q.p50)}`, `P90 ${r.f(hi)}`])).on('mouseleave', hideTip);
    g.append('line').attr('class', 'p50').attr('x1', x(r.q.p50)).attr('x2', x(r.q.p50)).attr('y1', 0).attr('y2', band.bandwidth());
    g.append('g').attr('class', 'axis x').attr('transform', `translate(0,${band.bandwidth()})`).call(axisBottom(x).ticks(5).tickFormat((v) => fmtNum(Number(v))));
  });
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  (parent.lastElementChild as HTMLElement).append(el('p', { class: 'note' },
    `P(any unserved demand) ${pct(mc.sloBreachProbability ?? 0)}` + (mc.n1FailureProbability !== null && mc.n1FailureProbability !== undefined ? ` · P(N-1 failure under random outages) ${pct(mc.n1FailureProbability)}` : '')));
}

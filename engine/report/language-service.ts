/**
 * Editor features as plain functions over an Analysis (after yaml-language-server's editor-free
 * language service): what YAML path is under the cursor, hovers (workload traffic and class,
 * site capacity and instances per flavor, a price in the reporting currency), completion of
 * site, flavor, instance-type, workload, placement and scenario names, and where code lenses go.
 * The VS Code extension only translates positions and calls these.
 */
import { isMap, isPair, isScalar, isSeq, Node } from 'yaml';
import { classify } from '../recommend/classification';
import { demandStats } from '../traffic/demand-statistics';
import { Analysis } from '../lint/lint';
import { Model, Site, Workload, Scenario } from '../model/model';
import { aggregateSchedulable, instancesPerHost, siteInstanceCapacity, siteSchedulable } from '../capacity/nova-capacity';
import { DEVICE_RESOURCES, RESOURCE_UNIT } from '../model/resource-classes';
import { targetPct } from './binding-text';
import { rateFor } from '../capacity/pricing';
import { instancesNeeded } from '../capacity/instances-needed';
import { resolveTracePath } from '../lint/rules/trace-files';
import { Path, SourceDocument } from '../model/source-document';
import { TraceCache, toSeries } from '../traffic/trace-file';
import { PlanDemand } from '../traffic/demand-stream';
import { formatSpan } from '../traffic/traffic';
import { DEFAULT_HORIZON_SECONDS, DEFAULT_STEP_SECONDS, DEFAULT_SYNTHETIC_START } from '../model/model';

export interface Located {
  doc: SourceDocument;
  /** Path of the node under the cursor; the last element is the key when the cursor is on a key. */
  path: (string | number)[];
  onKey: boolean;
  /** The scalar under the cursor (key or value). */
  text?: string;
  range?: { start: number; end: number };
}

/** The document and YAML path at a 1-based line and column of a file, or undefined. */
export function locate(a: Analysis, file: string, line: number, column: number): Located | undefined {
  const docs = a.documents.filter((d) => d.source.file === file || d.source.absFile === file).map((d) => d.source);
  if (!docs.length) return undefined;
  const offset = docs[0].source.offsetAt(line, column);
  // the position index when the document has one (no `yaml` parse of a large file per hover)
  for (const d of docs) {
    const hit = d.locateIndexed(offset);
    if (hit) return { doc: d, ...hit };
  }
  const doc = docs.find((d) => d.doc.range[0] <= offset && offset <= d.doc.range[2]) ?? docs.find((d) => d.doc.contents?.range && d.doc.contents.range[0] <= offset && offset <= d.doc.contents.range[2]);
  return doc && { doc, ...locateInCst(doc, offset) };
}

/** The path at a file offset from the `yaml` CST of the document (files outside the index). */
export function locateInCst(doc: SourceDocument, offset: number): Omit<Located, 'doc'> {
  const path: (string | number)[] = [];
  let node: unknown = doc.doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (within(p.key as Node, offset, true) || within(p.value as Node, offset, true)));
      if (!pair) return { path, onKey: false };
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      path.push(key);
      if (within(pair.key as Node, offset)) return { path, onKey: true, text: key, range: rng(pair.key as Node) };
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => within(it as Node, offset, true));
      if (i < 0) return { path, onKey: false };
      path.push(i);
      node = node.items[i];
    } else if (isScalar(node)) {
      return { path, onKey: false, text: String(node.value), range: rng(node) };
    } else return { path, onKey: false };
  }
}

function within(n: Node | null | undefined, offset: number, inclusiveEnd = false): boolean {
  if (!n || !n.range) return false;
  return n.range[0] <= offset && (inclusiveEnd ? offset <= n.range[2] : offset <= n.range[1]);
}
function rng(n: Node): { start: number; end: number } {
  return { start: n.range![0], end: n.range![1] };
}

function kindOf(doc: SourceDocument): string {
  const v = doc.value as { kind?: unknown };
  return typeof v?.kind === 'string' ? v.kind : '';
}

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d });

/** Markdown for a site: schedulable capacity and instances per flavor (openstack), or instance types and quota. */
export function siteHover(site: Site, model: Model): string {
  if (site.type === 'openstack') {
    const s = siteSchedulable(site);
    const dev = DEVICE_RESOURCES.filter((r) => s[r] > 0);
    const lines = [`**${site.name}** — OpenStack${site.region ? `, ${site.region}` : ''}${site.sovereign ? ', sovereign' : ''}`, '',
      `Schedulable: ${fmt(s.vcpus)} vCPU, ${fmt(s.memoryMiB / 1024, 1)} GiB memory, ${fmt(s.diskGiB)} GiB disk${dev.map((r) => `, ${fmt(s[r])} ${RESOURCE_UNIT[r]}`).join('')} (hosts × (host − reserved) × allocation ratio)`, '',
      `| aggregate | hosts | vCPU | memory GiB |${dev.map((r) => ` ${RESOURCE_UNIT[r]} |`).join('')}`, `| --- | ---: | ---: | ---: |${dev.map(() => ' ---: |').join('')}`,
      ...site.aggregates.map((g) => { const c = aggregateSchedulable(g); return `| ${g.name} | ${g.hosts} | ${fmt(c.vcpus)} | ${fmt(c.memoryMiB / 1024, 1)} |${dev.map((r) => ` ${fmt(c[r])} |`).join('')}`; }), '',
      `| flavor | per host (${site.aggregates.map((g) => g.name).join(' / ')}) | site total |`, '| --- | ---: | ---: |',
      ...Object.entries(siteInstanceCapacity(site)).map(([f, n]) => `| ${f} | ${site.aggregates.map((g) => instancesPerHost(g, site.flavors.find((x) => x.name === f)!)).join(' / ')} | ${fmt(n)} |`)];
    const monthly = site.aggregates.reduce((m, g) => m + g.hosts, 0) * (site.cost.hostCapex / site.cost.amortizationMonths + site.cost.hostOpexMonthly);
    lines.push('', `Cost: ${fmt(monthly)} ${site.currency || model.settings.reportingCurrency} per month, used or not`);
    return lines.join('\n');
  }
  return [`**${site.name}** — public (${site.provider || 'cloud'}${site.region ? `, ${site.region}` : ''})`, '',
    `Quota: ${site.quota.vcpus === undefined ? 'none' : `${fmt(site.quota.vcpus)} vCPU`} · scale-out delay ${site.autoscaling.scaleOutDelaySeconds} s`, '',
    '| instance type | vCPU | memory GiB | on-demand /h | committed |', '| --- | ---: | ---: | ---: | ---: |',
    ...site.instanceTypes.map((t) => `| ${t.name} | ${t.vcpus} | ${fmt(t.memoryMiB / 1024, 1)} | ${priceText(t.pricing.onDemandHourly, site.currency, model)} | ${site.commitments.filter((c) => c.instanceType === t.name).reduce((m, c) => m + c.count, 0)} |`)].join('\n');
}

/** A price in its currency and, where a rate is known, in the reporting currency: "0.2 USD (278 KRW)". */
function priceText(v: number, currency: string, model: Model): string {
  const rep = model.settings.reportingCurrency;
  if (!currency || currency === rep) return `${v} ${rep}`;
  try {
    return `${v} ${currency} (${fmt(v * rateFor(currency, rep, model.settings.exchangeRates), 2)} ${rep})`;
  } catch {
    return `${v} ${currency}`;
  }
}

/** Markdown for a flavor: its shape and how many fit a host of each aggregate, on every site that has it. */
export function flavorHover(name: string, model: Model): string | undefined {
  const rows: string[] = [];
  for (const site of model.sites.values()) {
    if (site.type !== 'openstack') continue;
    const f = site.flavors.find((x) => x.name === name);
    if (!f) continue;
    if (!rows.length) rows.push(`**${name}** — ${f.vcpus} vCPU${f.cpuPolicy === 'dedicated' ? ' (dedicated: PCPU)' : ''}, ${fmt(f.memoryMiB / 1024, 1)} GiB memory, ${fmt(f.diskGiB)} GiB disk${f.vgpus ? `, ${f.vgpus} vGPU` : ''}${f.pciDevices ? `, ${f.pciDevices} PCI device(s)` : ''}`, '', '| site | aggregate | per host | aggregate total |', '| --- | --- | ---: | ---: |');
    for (const g of site.aggregates) rows.push(`| ${site.name} | ${g.name} | ${instancesPerHost(g, f)} | ${fmt(instancesPerHost(g, f) * g.hosts)} |`);
  }
  return rows.length ? rows.join('\n') : undefined;
}

/** Markdown for an instance type: shape and prices in the reporting currency, on every public site that sells it. */
export function instanceTypeHover(name: string, model: Model): string | undefined {
  const rows: string[] = [];
  for (const site of model.sites.values()) {
    if (site.type !== 'public') continue;
    const t = site.instanceTypes.find((x) => x.name === name);
    if (!t) continue;
    if (!rows.length) rows.push(`**${name}** — ${t.vcpus} vCPU, ${fmt(t.memoryMiB / 1024, 1)} GiB memory${t.gpus ? `, ${t.gpus} GPU` : ''}`, '', '| site | on-demand /h | spot /h | reserved 1 y /h |', '| --- | ---: | ---: | ---: |');
    const p = t.pricing;
    rows.push(`| ${site.name} | ${priceText(p.onDemandHourly, site.currency, model)} | ${p.spotHourly === undefined ? '—' : priceText(p.spotHourly, site.currency, model)} | ${p.reserved1yHourly === undefined ? '—' : priceText(p.reserved1yHourly, site.currency, model)} |`);
  }
  return rows.length ? rows.join('\n') : undefined;
}

/** Markdown for a scenario: horizon, steps, placement, growth, events, Monte Carlo. */
export function scenarioHover(sc: Scenario, model: Model): string {
  const h = sc.horizon;
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString().replace('.000Z', 'Z') : '?');
  const cur = model.settings.reportingCurrency;
  // the rates it sets over the Settings' (what an FX scenario is about), each beside the one it replaces
  const rates = Object.entries(sc.exchangeRates).filter(([c]) => c !== cur).map(([c, v]) => {
    const was = model.settings.exchangeRates[c];
    return `1 ${c} = ${fmt(v, 2)} ${cur}${was !== undefined && was !== v ? ` (Settings: ${fmt(was, 2)})` : ''}`;
  });
  const event = (e: Scenario['events'][number]): string => {
    switch (e.type) {
      case 'siteOutage': return `site outage of ${e.site} at ${iso(e.start)} for ${formatSpan(e.duration)}`;
      case 'zoneOutage': return `zone outage of ${e.site} ${e.zone} at ${iso(e.start)} for ${formatSpan(e.duration)}`;
      case 'addHosts': return `${e.hosts >= 0 ? `${e.hosts} host(s) added to` : `${-e.hosts} host(s) taken from`} ${e.site} ${e.aggregate} at ${iso(e.at)}`;
      default: return `${e.site}'s prices × ${e.multiplier} from ${iso(e.at)}`;
    }
  };
  return [`**${sc.name}** — scenario`, '',
    h ? `${iso(h.start)} → ${iso(h.end)}, ${fmt(Math.ceil((h.end - h.start) / h.step))} steps of ${h.step} s` : 'the default week at 5-minute steps',
    `Placement: ${sc.placement ?? 'the only one, or current'} · growth ${(sc.growthPerMonth * 100).toFixed(1)} %/month · ${sc.events.length} event(s)${sc.monteCarlo ? ` · Monte Carlo ${sc.monteCarlo.runs} runs` : ''}`,
    ...(rates.length ? ['', `Exchange rates: ${rates.join(', ')}`] : []),
    ...(sc.events.length ? ['', ...sc.events.map((e) => `- ${event(e)}`)] : [])].join('\n');
}

/** A Site that failed its schema: what can still be said, and why its capacity is not shown. */
function brokenSiteHover(name: string, model: Model): string | undefined {
  const p = model.partial.sites.get(name);
  if (!p) return undefined;
  return [`**${name}** — ${p.type || 'site'} (this Site has errors: see the Problems panel; its capacity is shown once they are fixed)`, '',
    p.flavors.length ? `Flavors: ${p.flavors.join(', ')}` : p.instanceTypes.length ? `Instance types: ${p.instanceTypes.join(', ')}` : ''].join('\n').trim();
}

function anySiteHover(name: string, model: Model): string | undefined {
  const s = model.sites.get(name);
  return s ? siteHover(s, model) : brokenSiteHover(name, model);
}

const statsCache = new Map<string, string>();

/** Markdown for a workload: traffic statistics over the default week and the class they give. */
export function workloadHover(w: Workload, model: Model, traces: TraceCache): string {
  const key = `${w.name}:${JSON.stringify(w.traffic)}:${JSON.stringify(model.settings.classification)}`;
  const hit = statsCache.get(key);
  if (hit) return hit;
  let series;
  if (w.traffic.kind === 'trace') {
    const r = resolveTracePath(w, model.roots);
    const read = r.ok ? traces.read(r.abs) : undefined;
    if (!read || !read.ok || read.parsed.problems.length) return `**${w.name}**: trace cannot be read`;
    series = toSeries(read.parsed, w.traffic.timezone);
  }
  const start = series ? Math.floor(series.times[0] / DEFAULT_STEP_SECONDS) * DEFAULT_STEP_SECONDS : DEFAULT_SYNTHETIC_START;
  const h = { start, end: start + DEFAULT_HORIZON_SECONDS, step: DEFAULT_STEP_SECONDS };
  const steps = DEFAULT_HORIZON_SECONDS / DEFAULT_STEP_SECONDS;
  const demand = new Float64Array(steps);
  new PlanDemand([w], new Map(series ? [[w.name, series]] : []), h, steps, 0).readBase(0, 0, steps, demand);
  const st = demandStats(demand);
  const c = classify(w, st, model.settings);
  const text = [`**${w.name}** — class **${c.class}** (${c.reason})`, '',
    `Traffic over its first week (${w.unit}): peak ${fmt(st.peak, 1)}, p95 ${fmt(st.p95, 1)}, mean ${fmt(st.mean, 1)}, median ${fmt(st.median, 1)}, CV ${st.coefficientOfVariation.toFixed(2)}`, '',
    // as the replay counts them (instances-needed.ts)
    `Instances at peak: ${instancesNeeded(st.peak, 1 / (w.capacityPerInstance * w.targetUtilization), w.minInstances)} (${fmt(w.capacityPerInstance)} ${w.unit} per instance × target ${w.targetUtilization}${w.minInstances > 0 ? `, at least ${w.minInstances}` : ''})`].join('\n');
  statsCache.set(key, text);
  return text;
}

export function hoverAt(a: Analysis, file: string, line: number, column: number, traces = new TraceCache()): string | undefined {
  const at = locate(a, file, line, column);
  if (!at) return undefined;
  const m = a.model;
  const kind = kindOf(at.doc);
  const last = at.path[at.path.length - 1];
  // a price: its value in the reporting currency
  if (kind === 'Site' && typeof last === 'string' && /Hourly$|PerGiB$|hourly$|hostCapex|hostOpexMonthly/.test(last) && !at.onKey && at.text !== undefined) {
    const name = (at.doc.value as { metadata?: { name?: string } }).metadata?.name ?? '';
    const site = m.sites.get(name);
    const v = Number(at.text);
    if (site && Number.isFinite(v)) {
      try {
        const rate = rateFor(site.currency, m.settings.reportingCurrency, m.settings.exchangeRates);
        return `${v} ${site.currency || m.settings.reportingCurrency} = **${fmt(v * rate, 2)} ${m.settings.reportingCurrency}**${rate !== 1 ? ` at ${rate} ${m.settings.reportingCurrency}/${site.currency}` : ''}`;
      } catch {
        return `${v} ${site.currency}: no exchange rate to ${m.settings.reportingCurrency}`;
      }
    }
  }
  const name = at.text;
  if (name === undefined) return undefined;
  if (kind === 'Site' && at.path[0] === 'metadata' && last === 'name') return anySiteHover(name, m);
  if (kind === 'Workload' && at.path[0] === 'metadata' && last === 'name' && m.workloads.has(name)) return workloadHover(m.workloads.get(name)!, m, traces);
  if (kind === 'Scenario' && at.path[0] === 'metadata' && last === 'name' && m.scenarios.has(name)) return scenarioHover(m.scenarios.get(name)!, m);
  if (kind === 'Placement' && at.path[1] === 'workloads') {
    if (at.path.length === 3 && at.onKey && m.workloads.has(name)) return workloadHover(m.workloads.get(name)!, m, traces);
    if (at.path[3] === 'shares' && at.onKey) return anySiteHover(name, m);
  }
  if (last === 'site' || last === 'overflowTo') return anySiteHover(name, m);
  if (!at.onKey && (last === 'flavor' || (kind === 'Site' && at.path[1] === 'flavors' && last === 'name'))) return flavorHover(name, m);
  if (!at.onKey && (last === 'instanceType' || (kind === 'Site' && at.path[1] === 'instanceTypes' && last === 'name'))) return instanceTypeHover(name, m);
  if (kind === 'Scenario' && last === 'placement' && !at.onKey) return m.placements.has(name) ? `**${name}** — placement of ${m.placements.get(name)!.workloads.size} workload(s), headroom target ${targetPct(m.placements.get(name)!.headroomTarget)}` : undefined;
  return undefined;
}

/** Names that fit at the cursor. */
export function completionsAt(a: Analysis, file: string, line: number, column: number): { kind: 'site' | 'flavor' | 'instanceType' | 'workload' | 'placement' | 'aggregate'; names: string[] } | undefined {
  const at = locate(a, file, line, column);
  if (!at) return undefined;
  const m = a.model;
  const kind = kindOf(at.doc);
  const p = at.path;
  const last = p[p.length - 1];
  const sites = [...m.declared.Site].sort();
  if (kind === 'Placement' && p[1] === 'workloads') {
    if (p.length <= 3 && (at.onKey || p.length === 2)) return { kind: 'workload', names: [...m.declared.Workload].sort() };
    if (last === 'overflowTo') return { kind: 'site', names: sites };
    if (p[3] === 'shares') {
      // a site already in this workload's shares is not offered again (the one being typed is)
      const shares = (at.doc.value as { spec?: { workloads?: Record<string, { shares?: Record<string, unknown> }> } })?.spec?.workloads?.[String(p[2])]?.shares ?? {};
      const typing = at.onKey ? at.text : undefined;
      return { kind: 'site', names: sites.filter((s) => !(s in shares) || s === typing) };
    }
  }
  if (kind === 'Workload' && last === 'flavor') return { kind: 'flavor', names: [...new Set([...m.sites.values()].flatMap((s) => (s.type === 'openstack' ? s.flavors.map((f) => f.name) : [])))].sort() };
  if (kind === 'Workload' && last === 'instanceType') return { kind: 'instanceType', names: [...new Set([...m.sites.values()].flatMap((s) => (s.type === 'public' ? s.instanceTypes.map((t) => t.name) : [])))].sort() };
  if (kind === 'Scenario' && last === 'placement') return { kind: 'placement', names: [...m.declared.Placement].sort() };
  if (kind === 'Scenario' && last === 'site') return { kind: 'site', names: sites };
  if (kind === 'Scenario' && last === 'aggregate') return { kind: 'aggregate', names: [...new Set([...m.sites.values()].flatMap((s) => (s.type === 'openstack' ? s.aggregates.map((g) => g.name) : [])))].sort() };
  return undefined;
}

/** Where code lenses go: the `kind:` line of every Placement and Scenario. */
export function codeLensTargets(a: Analysis, file: string): { kind: 'Placement' | 'Scenario'; name: string; line: number }[] {
  return a.documents
    .filter((d) => (d.source.file === file || d.source.absFile === file) && (d.kind === 'Placement' || d.kind === 'Scenario') && d.name)
    .map((d) => ({ kind: d.kind as 'Placement' | 'Scenario', name: d.name, line: d.source.rangeOf(['kind'] as Path).start.line }));
}

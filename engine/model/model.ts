/**
 * The typed capacity model, built from schema-valid documents with the format's defaults
 * applied (shared/spec/format.md): Nova's reserved resources and allocation ratios, the
 * 30 s / 600 s detection defaults, the one-week default horizon. Every entity keeps its
 * SourceDocument so rules and reports can point back at the YAML.
 */
import { SourceDocument } from './source-document';
import { ValidatedDocument } from './schema-validation';
import { parseDuration } from './units';
import { Resources, RESOURCES, ZERO_RESOURCES } from './resource-classes';

export type { Resources } from './resource-classes';

export interface Aggregate {
  name: string;
  availabilityZone?: string;
  hosts: number;
  host: Resources;
  reserved: Resources;
  allocationRatio: { cpu: number; ram: number; disk: number; pcpu: number; vgpu: number; pci: number };
  /** Placement traits of its hosts (CUSTOM_GPU_A10, HW_CPU_X86_AVX512F…), matched against flavors' trait specs. */
  traits: string[];
  index: number;
}

/** A Nova flavor; what it asks of Placement is flavorRequest() (dedicated CPUs come from PCPU). */
export interface Flavor {
  name: string; vcpus: number; memoryMiB: number; diskGiB: number; cpuPolicy: 'shared' | 'dedicated'; vgpus: number; pciDevices: number;
  /** Extra specs trait:NAME=required / trait:NAME=forbidden: the aggregates it may land on. */
  requiredTraits: string[]; forbiddenTraits: string[];
  index: number;
}

interface SiteBase { name: string; region: string; sovereign: boolean; currency: string; src: SourceDocument }

export interface OpenStackSite extends SiteBase {
  type: 'openstack';
  availabilityZones: string[];
  aggregates: Aggregate[];
  flavors: Flavor[];
  cost: { hostCapex: number; amortizationMonths: number; hostOpexMonthly: number };
  procurement: { leadTimeDays: number; minOrderHosts: number };
}

export interface InstanceType {
  name: string;
  vcpus: number;
  memoryMiB: number;
  gpus: number;
  pricing: { onDemandHourly: number; reserved1yHourly?: number; reserved3yHourly?: number; spotHourly?: number };
  index: number;
}

export interface Commitment { instanceType: string; count: number; hourly: number; index: number }

export interface PublicSite extends SiteBase {
  type: 'public';
  provider: string;
  instanceTypes: InstanceType[];
  commitments: Commitment[];
  autoscaling: { scaleOutDelaySeconds: number };
  quota: { vcpus?: number };
  egressPerGiB: number;
}

export type Site = OpenStackSite | PublicSite;

export interface Burst { at: number; duration: number; multiplier: number; every?: number }

export type Traffic =
  | { kind: 'trace'; trace: string; scale: number; extend: 'repeat' | 'hold' | 'error'; timezone: string; countPer?: number; source?: TraceSource }
  | { kind: 'synthetic'; scale: number; baseline: number; dailyAmplitude: number; weeklyAmplitude: number; noise: number; seed: number; bursts: Burst[] };

export interface Workload {
  name: string;
  unit: string;
  traffic: Traffic;
  capacityPerInstance: number;
  targetUtilization: number;
  minInstances: number;
  flavor?: string;
  instanceType?: string;
  dataClass: 'sovereign' | 'internal' | 'public';
  tags: string[];
  priority: number;
  egressGiBPerMillionRequests: number;
  src: SourceDocument;
}

export interface WorkloadPlacement { workload: string; shares: Map<string, number>; purchase: 'on-demand' | 'spot'; overflowTo?: string }

export interface Placement {
  name: string;
  mode: 'active-active' | 'active-passive';
  detectionSeconds: number;
  headroomTarget: number;
  workloads: Map<string, WorkloadPlacement>;
  src: SourceDocument;
}

export type ScenarioEvent =
  | { type: 'siteOutage'; site: string; start: number; duration: number; index: number }
  | { type: 'zoneOutage'; site: string; zone: string; start: number; duration: number; index: number }
  | { type: 'addHosts'; site: string; aggregate: string; hosts: number; at: number; index: number }
  | { type: 'priceChange'; site: string; multiplier: number; at: number; index: number };

export interface Horizon { start: number; end: number; step: number }

export interface Scenario {
  name: string;
  horizon?: Horizon;
  placement?: string;
  growthPerMonth: number;
  exchangeRates: Record<string, number>;
  events: ScenarioEvent[];
  monteCarlo?: MonteCarloSpec;
  src?: SourceDocument;
}

/** A Scenario's Monte Carlo (format.md, "Monte Carlo"); σ of 0 (the default) leaves a factor out. */
export interface MonteCarloSpec {
  runs: number;
  seed: number;
  demandNoise: number;
  noiseAutocorrelation: number;
  demandLevel: number;
  growthSd: number;
  exchangeRates: Record<string, number>;
  priceMultiplier: Record<string, number>;
  outages: { site: string; zone?: string; perYear: number; duration: number }[];
}

export interface Settings {
  reportingCurrency: string;
  exchangeRates: Record<string, number>;
  classification: { burstyPeakToMedian: number; burstyCoefficientOfVariation: number };
  /** IANA time zone that calendar months (monthly series) are counted in. */
  timezone: string;
  src?: SourceDocument;
}

export interface Model {
  settings: Settings;
  sites: Map<string, Site>;
  workloads: Map<string, Workload>;
  placements: Map<string, Placement>;
  scenarios: Map<string, Scenario>;
  /** Absolute real paths of the workspace roots. */
  roots: string[];
  /** A Settings document exists but failed its schema (rules that need it stay quiet). */
  settingsBroken: boolean;
  /** Folder that displayed paths are relative to. */
  cwd: string;
  /** Names declared per kind by every document, valid or not (so a broken Site is not also "unknown"). */
  declared: Record<string, Set<string>>;
  /**
   * What documents that failed their schema still say about names, read defensively from their
   * raw values: a Site's flavors and instance types, a Workload's flavor and instance type. A
   * schema error in one field (hosts: ten) then hides no reference check that does not depend on it.
   */
  partial: { sites: Map<string, PartialSite>; workloads: Map<string, PartialWorkload> };
}

export interface PartialSite { type: string; flavors: string[]; instanceTypes: string[] }
export interface PartialWorkload { flavor?: string; instanceType?: string; src: SourceDocument }

export const NOVA_DEFAULT_RESERVED: Resources = { vcpus: 0, memoryMiB: 512, diskGiB: 0, pcpus: 0, vgpus: 0, pciDevices: 0 };
/** Nova's initial_*_allocation_ratio; PCPU, VGPU and PCI devices are reported at 1.0. */
export const NOVA_DEFAULT_ALLOCATION_RATIO = { cpu: 4.0, ram: 1.0, disk: 1.0, pcpu: 1.0, vgpu: 1.0, pci: 1.0 };
export const DEFAULT_SETTINGS: Settings = {
  reportingCurrency: 'USD',
  exchangeRates: {},
  classification: { burstyPeakToMedian: 3.0, burstyCoefficientOfVariation: 0.5 },
  timezone: 'UTC',
};
export const DEFAULT_STEP_SECONDS = 300;
export const DEFAULT_HORIZON_SECONDS = 7 * 86_400;
export const DEFAULT_SYNTHETIC_START = Date.UTC(2027, 0, 1) / 1000;

type Obj = Record<string, unknown>;

/** Where a trace came from (traffic.source): a Prometheus range query to pull again. */
export interface TraceSource { prometheus?: { url: string; query: string; start: string; end: string; step: number; sum?: boolean; select?: string } }

function traceSource(s: Record<string, unknown>): TraceSource | undefined {
  const p = s.prometheus && typeof s.prometheus === 'object' ? (s.prometheus as Record<string, unknown>) : undefined;
  if (!p) return undefined;
  return { prometheus: { url: String(p.url), query: String(p.query), start: String(p.start), end: String(p.end), step: Number(p.step), ...(p.sum === true ? { sum: true } : {}), ...(typeof p.select === 'string' ? { select: p.select } : {}) } };
}
const o = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Why an ISO 8601 time string is not a real instant ("2027-02-30" is not a date), or undefined. */
export function calendarProblem(s: string): string | undefined {
  const m = ISO_TIME.exec(s);
  if (!m) return `"${s}" is not an ISO 8601 time with an offset, such as "2027-01-01T00:00:00Z"`;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12) return `"${s}": month ${mo} does not exist`;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > days) return `"${s}": ${y}-${String(mo).padStart(2, '0')} has ${days} days, not ${d}`;
  if (h > 23 || mi > 59 || sec > 59) return `"${s}": ${h}:${mi}:${sec} is not a time of day`;
  const off = m[7] === 'Z' ? 0 : Number(m[7].replace(':', '').slice(1, 3)) * 60 + Number(m[7].replace(':', '').slice(3));
  if (off > 18 * 60) return `"${s}": offset ${m[7]} is beyond ±18:00`;
  return undefined;
}

/** Seconds since the epoch of a valid ISO 8601 time; NaN for anything else (no rollover of 30 February into March). */
export function parseTime(s: unknown): number {
  return typeof s === 'string' && calendarProblem(s) === undefined ? Date.parse(s) / 1000 : NaN;
}

function resources(v: unknown, d: Resources): Resources {
  const r = o(v);
  return Object.fromEntries(RESOURCES.map((k) => [k, num(r[k], d[k])])) as unknown as Resources;
}

function buildSite(doc: ValidatedDocument): Site {
  const spec = o(doc.value.spec);
  const base = { name: doc.name, region: str(spec.region, ''), sovereign: spec.sovereign === true, currency: str(spec.currency, ''), src: doc.source };
  if (spec.type === 'openstack') {
    const cost = o(spec.cost);
    const proc = o(spec.procurement);
    return {
      ...base,
      type: 'openstack',
      availabilityZones: a(spec.availabilityZones).map(String),
      aggregates: a(spec.aggregates).map((x, index) => {
        const g = o(x);
        const ratio = o(g.allocationRatio);
        return {
          name: str(g.name, ''),
          availabilityZone: typeof g.availabilityZone === 'string' ? g.availabilityZone : undefined,
          hosts: num(g.hosts, 0),
          host: resources(g.host, ZERO_RESOURCES),
          reserved: resources(g.reserved, NOVA_DEFAULT_RESERVED),
          allocationRatio: Object.fromEntries(Object.entries(NOVA_DEFAULT_ALLOCATION_RATIO).map(([k, d]) => [k, num(ratio[k], d)])) as Aggregate['allocationRatio'],
          traits: a(g.traits).map(String),
          index,
        };
      }),
      flavors: a(spec.flavors).map((x, index) => {
        const f = o(x);
        return { name: str(f.name, ''), vcpus: num(f.vcpus, 0), memoryMiB: num(f.memoryMiB, 0), diskGiB: num(f.diskGiB, 0), cpuPolicy: f.cpuPolicy === 'dedicated' ? 'dedicated' : 'shared', vgpus: num(f.vgpus, 0), pciDevices: num(f.pciDevices, 0), requiredTraits: a(f.requiredTraits).map(String), forbiddenTraits: a(f.forbiddenTraits).map(String), index };
      }),
      cost: { hostCapex: num(cost.hostCapex, 0), amortizationMonths: num(cost.amortizationMonths, 60), hostOpexMonthly: num(cost.hostOpexMonthly, 0) },
      procurement: { leadTimeDays: num(proc.leadTimeDays, 90), minOrderHosts: num(proc.minOrderHosts, 1) },
    };
  }
  return {
    ...base,
    type: 'public',
    provider: str(spec.provider, ''),
    instanceTypes: a(spec.instanceTypes).map((x, index) => {
      const t = o(x);
      const p = o(t.pricing);
      return {
        name: str(t.name, ''), vcpus: num(t.vcpus, 0), memoryMiB: num(t.memoryMiB, 0), gpus: num(t.gpus, 0), index,
        pricing: {
          onDemandHourly: num(p.onDemandHourly, 0),
          reserved1yHourly: typeof p.reserved1yHourly === 'number' ? p.reserved1yHourly : undefined,
          reserved3yHourly: typeof p.reserved3yHourly === 'number' ? p.reserved3yHourly : undefined,
          spotHourly: typeof p.spotHourly === 'number' ? p.spotHourly : undefined,
        },
      };
    }),
    commitments: a(spec.commitments).map((x, index) => {
      const c = o(x);
      return { instanceType: str(c.instanceType, ''), count: num(c.count, 0), hourly: num(c.hourly, 0), index };
    }),
    autoscaling: { scaleOutDelaySeconds: num(o(spec.autoscaling).scaleOutDelaySeconds, 0) },
    quota: { vcpus: typeof o(spec.quota).vcpus === 'number' ? (o(spec.quota).vcpus as number) : undefined },
    egressPerGiB: num(spec.egressPerGiB, 0),
  };
}

function buildWorkload(doc: ValidatedDocument): Workload {
  const spec = o(doc.value.spec);
  const t = o(spec.traffic);
  const scale = num(t.scale, 1);
  let traffic: Traffic;
  if (t.synthetic !== undefined) {
    const s = o(t.synthetic);
    traffic = {
      kind: 'synthetic', scale,
      baseline: num(s.baseline, 0), dailyAmplitude: num(s.dailyAmplitude, 0), weeklyAmplitude: num(s.weeklyAmplitude, 0),
      noise: num(s.noise, 0), seed: num(s.seed, 1),
      bursts: a(s.bursts).map((x) => {
        const b = o(x);
        return { at: parseTime(b.at), duration: num(b.duration, 0), multiplier: num(b.multiplier, 1), every: typeof b.every === 'number' ? b.every : undefined };
      }),
    };
  } else {
    traffic = {
      kind: 'trace', trace: str(t.trace, ''), scale,
      extend: (t.extend as 'repeat' | 'hold' | 'error') ?? 'repeat',
      timezone: str(t.timezone, 'UTC'),
      countPer: typeof t.countPer === 'number' ? t.countPer : parseDuration(t.countPer),
      source: traceSource(o(t.source)),
    };
  }
  return {
    name: doc.name,
    unit: str(spec.unit, 'rps'),
    traffic,
    capacityPerInstance: num(spec.capacityPerInstance, 1),
    targetUtilization: num(spec.targetUtilization, 0.6),
    minInstances: num(spec.minInstances, 1),
    flavor: typeof spec.flavor === 'string' ? spec.flavor : undefined,
    instanceType: typeof spec.instanceType === 'string' ? spec.instanceType : undefined,
    dataClass: (spec.dataClass as Workload['dataClass']) ?? 'internal',
    tags: a(spec.tags).map(String),
    priority: num(spec.priority, 0),
    egressGiBPerMillionRequests: num(spec.egressGiBPerMillionRequests, 0),
    src: doc.source,
  };
}

function buildPlacement(doc: ValidatedDocument): Placement {
  const spec = o(doc.value.spec);
  const mode = spec.mode === 'active-passive' ? 'active-passive' : 'active-active';
  const workloads = new Map<string, WorkloadPlacement>();
  for (const [w, v] of Object.entries(o(spec.workloads))) {
    const e = o(v);
    workloads.set(w, {
      workload: w,
      shares: new Map(Object.entries(o(e.shares)).map(([s, p]) => [s, num(p, 0)])),
      purchase: e.purchase === 'spot' ? 'spot' : 'on-demand',
      overflowTo: typeof e.overflowTo === 'string' ? e.overflowTo : undefined,
    });
  }
  return { name: doc.name, mode, detectionSeconds: num(spec.detectionSeconds, mode === 'active-passive' ? 600 : 30), headroomTarget: num(spec.headroomTarget, 0.2), workloads, src: doc.source };
}

function buildScenario(doc: ValidatedDocument): Scenario {
  const spec = o(doc.value.spec);
  const h = spec.horizon === undefined ? undefined : o(spec.horizon);
  const mc = spec.monteCarlo === undefined ? undefined : o(spec.monteCarlo);
  return {
    name: doc.name,
    horizon: h ? { start: parseTime(h.start), end: parseTime(h.end), step: num(h.step, DEFAULT_STEP_SECONDS) } : undefined,
    placement: typeof spec.placement === 'string' ? spec.placement : undefined,
    growthPerMonth: num(o(spec.growth).perMonth, 0),
    exchangeRates: Object.fromEntries(Object.entries(o(spec.exchangeRates)).map(([k, v]) => [k, num(v, NaN)])),
    events: a(spec.events).map((x, index): ScenarioEvent => {
      const e = o(x);
      switch (e.type) {
        case 'siteOutage': return { type: 'siteOutage', site: str(e.site, ''), start: parseTime(e.start), duration: num(e.duration, 0), index };
        case 'zoneOutage': return { type: 'zoneOutage', site: str(e.site, ''), zone: str(e.zone, ''), start: parseTime(e.start), duration: num(e.duration, 0), index };
        case 'addHosts': return { type: 'addHosts', site: str(e.site, ''), aggregate: str(e.aggregate, ''), hosts: num(e.hosts, 0), at: parseTime(e.at), index };
        default: return { type: 'priceChange', site: str(e.site, ''), multiplier: num(e.multiplier, 1), at: parseTime(e.at), index };
      }
    }),
    monteCarlo: mc ? {
      runs: num(mc.runs, 100), seed: num(mc.seed, 1), demandNoise: num(mc.demandNoise, 0),
      noiseAutocorrelation: num(mc.noiseAutocorrelation, 0), demandLevel: num(mc.demandLevel, 0), growthSd: num(o(mc.growthPerMonth).sd, 0),
      exchangeRates: Object.fromEntries(Object.entries(o(mc.exchangeRates)).map(([k, v]) => [k, num(v, 0)])),
      priceMultiplier: Object.fromEntries(Object.entries(o(mc.priceMultiplier)).map(([k, v]) => [k, num(v, 0)])),
      outages: a(mc.outages).map((x) => { const e = o(x); return { site: str(e.site, ''), zone: typeof e.zone === 'string' ? e.zone : undefined, perYear: num(e.perYear, 0), duration: num(e.duration, 0) }; }),
    } : undefined,
    src: doc.source,
  };
}

function buildSettings(doc: ValidatedDocument | undefined): Settings {
  if (!doc) return { ...DEFAULT_SETTINGS, exchangeRates: {}, classification: { ...DEFAULT_SETTINGS.classification } };
  const spec = o(doc.value.spec);
  const c = o(spec.classification);
  return {
    reportingCurrency: str(spec.reportingCurrency, 'USD'),
    exchangeRates: Object.fromEntries(Object.entries(o(spec.exchangeRates)).map(([k, v]) => [k, num(v, NaN)])),
    classification: {
      burstyPeakToMedian: num(c.burstyPeakToMedian, DEFAULT_SETTINGS.classification.burstyPeakToMedian),
      burstyCoefficientOfVariation: num(c.burstyCoefficientOfVariation, DEFAULT_SETTINGS.classification.burstyCoefficientOfVariation),
    },
    timezone: str(spec.timezone, 'UTC'),
    src: doc.source,
  };
}

/**
 * Builds the model from validated documents. Documents that failed their schema are left out;
 * of two documents with the same kind and name the first (by file, then position) is kept.
 * Maps are keyed and iterated in name order so results never depend on file order.
 */
export function buildModel(docs: readonly ValidatedDocument[], roots: string[], cwd: string = process.cwd()): Model {
  const valid = docs.filter((d) => d.valid).slice().sort((x, y) => (x.source.file < y.source.file ? -1 : x.source.file > y.source.file ? 1 : x.source.index - y.source.index));
  const byKind = (k: string) => {
    const m = new Map<string, ValidatedDocument>();
    for (const d of valid) if (d.kind === k && !m.has(d.name)) m.set(d.name, d);
    return new Map([...m.entries()].sort(([x], [y]) => (x < y ? -1 : 1)));
  };
  const mapOf = <T>(k: string, f: (d: ValidatedDocument) => T) => new Map([...byKind(k)].map(([n, d]) => [n, f(d)]));
  return {
    settings: buildSettings(valid.find((d) => d.kind === 'Settings')),
    sites: mapOf('Site', buildSite),
    workloads: mapOf('Workload', buildWorkload),
    placements: mapOf('Placement', buildPlacement),
    scenarios: mapOf('Scenario', buildScenario),
    roots,
    cwd,
    settingsBroken: docs.some((d) => d.kind === 'Settings' && !d.valid),
    declared: declaredNames(docs),
    partial: partialNames(docs),
  };
}

function partialNames(docs: readonly ValidatedDocument[]): Model['partial'] {
  const sites = new Map<string, PartialSite>();
  const workloads = new Map<string, PartialWorkload>();
  const names = (v: unknown) => a(v).map((x) => o(x).name).filter((n): n is string => typeof n === 'string');
  for (const d of docs) {
    if (d.valid || !d.name) continue;
    const spec = o(d.value.spec);
    if (d.kind === 'Site' && !sites.has(d.name)) sites.set(d.name, { type: str(spec.type, ''), flavors: names(spec.flavors), instanceTypes: names(spec.instanceTypes) });
    if (d.kind === 'Workload' && !workloads.has(d.name)) {
      workloads.set(d.name, { flavor: typeof spec.flavor === 'string' ? spec.flavor : undefined, instanceType: typeof spec.instanceType === 'string' ? spec.instanceType : undefined, src: d.source });
    }
  }
  return { sites, workloads };
}

function declaredNames(docs: readonly ValidatedDocument[]): Record<string, Set<string>> {
  const out: Record<string, Set<string>> = { Site: new Set(), Workload: new Set(), Placement: new Set(), Scenario: new Set(), Settings: new Set() };
  for (const d of docs) if (d.name) out[d.kind].add(d.name);
  return out;
}


/** The (workload, site) pairs some workload placements make (each share, and the overflow target), and the sites they touch. */
export function placedPairs(wps: Iterable<WorkloadPlacement>): { pairs: number; sites: Set<string> } {
  let pairs = 0;
  const sites = new Set<string>();
  for (const wp of wps) {
    pairs += wp.shares.size + (wp.overflowTo ? 1 : 0);
    for (const s of wp.shares.keys()) sites.add(s);
    if (wp.overflowTo) sites.add(wp.overflowTo);
  }
  return { pairs, sites };
}

/** A model object without its source document: plain data that crosses to a worker thread. */
export function withoutSource<T extends { src?: unknown }>(x: T): T {
  return { ...x, src: undefined };
}

/** What a replay reads of the model (its sites and settings), without source documents, for a worker thread. */
export function modelForWorker(model: Pick<Model, 'sites' | 'settings'>): Pick<Model, 'sites' | 'settings'> {
  return { sites: new Map([...model.sites].map(([k, v]) => [k, withoutSource(v)])), settings: withoutSource(model.settings) };
}

/** A copy of a placement with some workloads' shares replaced (percent per site). */
export function placementWithShares(p: Placement, shares: Record<string, Record<string, number>>): Placement {
  const workloads = new Map(p.workloads);
  for (const [w, s] of Object.entries(shares)) {
    const cur = workloads.get(w);
    if (cur) workloads.set(w, { ...cur, shares: new Map(Object.entries(s)) });
  }
  return { ...p, workloads };
}

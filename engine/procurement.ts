/**
 * Hosts to buy for an OpenStack site: when the peak need reaches the schedulable capacity less
 * the headroom target, and how many hosts to order (rounded up to a multiple of
 * procurement.minOrderHosts, spread over the site's availability zones), ordered
 * procurement.leadTimeDays ahead. Need grows at the scenario's growth rate; without one, at
 * the exponential trend fitted (least squares on the logarithm) to the monthly peaks of the
 * replay. The order covers the need twelve months after exhaustion.
 */
import { linearRegression } from 'simple-statistics';
import { OpenStackSite } from './model';
import { hostSchedulable } from './nova-capacity';
import { SECONDS_PER_DAY, SECONDS_PER_MONTH } from './time-constants';

export interface HostPurchase {
  site: string;
  /** Monthly growth used and where it came from. */
  growthPerMonth: number;
  growthSource: 'scenario' | 'trend' | 'none';
  capacityVcpus: number;
  capacityMemoryMiB: number;
  /** When the peak need crosses capacity × (1 − headroom); undefined if never within 10 years. */
  exhaustion?: number;
  /** Order by (exhaustion − lead time); may be in the past ("order now"). */
  orderBy?: number;
  hosts: number;
  perAggregate: Record<string, number>;
  binding: 'vcpu' | 'memory';
}

export interface NeedSeries { start: number; bucketSeconds: number; vcpus: Float64Array; memoryMiB: Float64Array }

function monthlyPeaks(series: Float64Array, bucketSeconds: number): number[] {
  const perMonth = Math.max(1, Math.round(SECONDS_PER_MONTH / bucketSeconds));
  const out: number[] = [];
  for (let i = 0; i < series.length; i += perMonth) {
    let m = 0;
    for (let j = i; j < Math.min(series.length, i + perMonth); j++) m = Math.max(m, series[j]);
    out.push(m);
  }
  return out;
}

/** Monthly growth fitted to monthly peaks: exp(slope of ln(peak) over months) − 1; 0 if unknowable. */
export function fittedGrowth(peaks: readonly number[]): number {
  const pts = peaks.map((p, i) => [i, p] as [number, number]).filter(([, p]) => p > 0);
  if (pts.length < 2) return 0;
  const { m } = linearRegression(pts.map(([i, p]) => [i, Math.log(p)]));
  return Math.exp(m) - 1;
}

export function planPurchase(site: OpenStackSite, hosts: readonly number[], need: NeedSeries, headroomTarget: number, scenarioGrowth: number | undefined): HostPurchase {
  const capV = site.aggregates.reduce((s, g, a) => s + hosts[a] * hostSchedulable(g).vcpus, 0);
  const capM = site.aggregates.reduce((s, g, a) => s + hosts[a] * hostSchedulable(g).memoryMiB, 0);
  const peaksV = monthlyPeaks(need.vcpus, need.bucketSeconds);
  const peaksM = monthlyPeaks(need.memoryMiB, need.bucketSeconds);
  const source: HostPurchase['growthSource'] = scenarioGrowth ? 'scenario' : 'trend';
  let g = scenarioGrowth ? scenarioGrowth : fittedGrowth(peaksV);
  // Base need at the horizon start: each month's peak brought back by the growth, the largest.
  const base = (peaks: number[]) => peaks.reduce((m, p, i) => Math.max(m, g > -1 ? p / Math.pow(1 + g, i) : p), 0);
  const bV = base(peaksV);
  const bM = base(peaksM);
  const limit = 1 - headroomTarget;
  const cross = (b: number, cap: number): number | undefined => {
    if (b <= 0) return undefined;
    if (b > cap * limit) return 0;
    if (!(g > 0)) return undefined;
    const months = Math.log((cap * limit) / b) / Math.log(1 + g);
    return months <= 120 ? months : undefined;
  };
  const tV = cross(bV, capV);
  const tM = cross(bM, capM);
  const candidates = [tV, tM].filter((x): x is number => x !== undefined);
  const exhaustMonths = candidates.length ? Math.min(...candidates) : undefined;
  const binding: HostPurchase['binding'] = tM !== undefined && (tV === undefined || tM < tV) ? 'memory' : 'vcpu';
  let count = 0;
  const perAggregate: Record<string, number> = {};
  if (exhaustMonths !== undefined) {
    const horizonMonths = exhaustMonths + 12;
    const grow = g > 0 ? Math.pow(1 + g, horizonMonths) : 1;
    const per = site.aggregates.map(hostSchedulable);
    const perV = per.reduce((s, x) => s + x.vcpus, 0) / per.length;
    const perM = per.reduce((s, x) => s + x.memoryMiB, 0) / per.length;
    const needHosts = (b: number, cap: number, each: number) => (each > 0 ? Math.max(0, Math.ceil(((b * grow) / limit - cap) / each - 1e-9)) : 0);
    count = Math.max(needHosts(bV, capV, perV), needHosts(bM, capM, perM));
    const unit = Math.max(1, site.procurement.minOrderHosts);
    count = Math.ceil(count / unit) * unit;
    // Spread over the aggregates (and so the zones) round-robin, in the order listed.
    site.aggregates.forEach((a) => (perAggregate[a.name] = 0));
    for (let i = 0; i < count; i++) perAggregate[site.aggregates[i % site.aggregates.length].name]++;
  }
  const exhaustion = exhaustMonths === undefined ? undefined : need.start + exhaustMonths * SECONDS_PER_MONTH;
  return {
    site: site.name, growthPerMonth: g, growthSource: g === 0 && source === 'trend' ? 'none' : source,
    capacityVcpus: capV, capacityMemoryMiB: capM, exhaustion,
    orderBy: exhaustion === undefined ? undefined : exhaustion - site.procurement.leadTimeDays * SECONDS_PER_DAY,
    hosts: count, perAggregate, binding,
  };
}

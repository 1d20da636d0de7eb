/**
 * Hosts to buy for an OpenStack site, over every resource it is counted in (vCPU, memory,
 * disk), from the replay's own series so that it never disagrees with the headroom
 * recommendation: a resource is exhausted when its need passes (1 − headroomTarget) of the
 * installed capacity — at the first such step of the replay if there is one, else projected
 * from the last calendar month's peak (from that month's start, but never before the horizon's
 * end, which the replay reached under the limit) at the scenario's growth or, without one, at the
 * exponential trend fitted (least squares on the logarithm) to the calendar-monthly peaks.
 * The binding resource is the one exhausted first. The order covers every resource's need
 * twelve months after exhaustion, rounded up to procurement.minOrderHosts, placed only in the
 * aggregates whose hosts have the resource (GPU hosts for vGPUs), round-robin among them (so
 * the zones), ordered procurement.leadTimeDays ahead.
 */
import { linearRegression } from 'simple-statistics';
import { OpenStackSite } from '../model/model';
import { hostSchedulable } from '../capacity/nova-capacity';
import { SECONDS_PER_DAY, SECONDS_PER_MONTH } from '../model/time-constants';
import type { Resource } from './headroom';

/** One resource of the site, as the replay saw it. */
export interface ResourceNeed {
  resource: Resource;
  /** Installed schedulable capacity at the end of the horizon (after planned host additions). */
  capacity: number;
  /** Peak need (absolute) over the horizon, and when. */
  peak: number;
  peakTime: number;
  /** First time the need passed the headroom limit in the replay, if it did. */
  crossTime?: number;
  /** Peak need (absolute) per calendar month, with each month's start. */
  monthPeaks: readonly number[];
  monthStarts: readonly number[];
}

export interface HostPurchase {
  site: string;
  /** Monthly growth used for the binding resource, and where it came from. */
  growthPerMonth: number;
  growthSource: 'scenario' | 'trend' | 'none';
  /** When the binding resource's need passes capacity × (1 − headroom); undefined if never within 10 years. */
  exhaustion?: number;
  /** Whether that moment was seen in the replay (else projected). */
  observed: boolean;
  /** Order by (exhaustion − lead time); may be in the past ("order now"). */
  orderBy?: number;
  hosts: number;
  perAggregate: Record<string, number>;
  binding: Resource | null;
  /** Spare of the binding resource at its peak (1 − peak / capacity). */
  spare: number | null;
}

/** Monthly growth fitted to monthly peaks: exp(slope of ln(peak) over months) − 1; 0 if unknowable. */
export function fittedGrowth(peaks: readonly number[]): number {
  const pts = peaks.map((p, i) => [i, p] as [number, number]).filter(([, p]) => p > 0);
  if (pts.length < 2) return 0;
  const { m } = linearRegression(pts.map(([i, p]) => [i, Math.log(p)]));
  return Math.exp(m) - 1;
}

const TEN_YEARS_MONTHS = 120;

export function planPurchase(site: OpenStackSite, needs: readonly ResourceNeed[], headroomTarget: number, scenarioGrowth: number | undefined, horizonEnd: number): HostPurchase {
  const limit = 1 - headroomTarget;
  const per = site.aggregates.map(hostSchedulable);
  type Plan = { need: ResourceNeed; g: number; source: HostPurchase['growthSource']; exhaustion?: number; observed: boolean };
  const plans: Plan[] = needs.filter((n) => n.capacity > 0).map((n) => {
    const fitted = fittedGrowth(n.monthPeaks);
    const g = scenarioGrowth ? scenarioGrowth : fitted;
    const source: HostPurchase['growthSource'] = scenarioGrowth ? 'scenario' : fitted !== 0 ? 'trend' : 'none';
    if (n.crossTime !== undefined) return { need: n, g, source, exhaustion: n.crossTime, observed: true };
    const last = n.monthPeaks[n.monthPeaks.length - 1] ?? 0;
    if (!(g > 0) || last <= 0) return { need: n, g, source, observed: false };
    const months = Math.log((n.capacity * limit) / last) / Math.log(1 + g);
    if (!(months <= TEN_YEARS_MONTHS)) return { need: n, g, source, observed: false };
    const from = n.monthStarts[n.monthStarts.length - 1] ?? horizonEnd;
    // not before the horizon ends: the replay saw the need stay under the limit until then
    return { need: n, g, source, exhaustion: Math.max(horizonEnd, from + months * SECONDS_PER_MONTH), observed: false };
  });
  const first = plans.filter((p) => p.exhaustion !== undefined).sort((a, b) => a.exhaustion! - b.exhaustion!)[0];
  const least = plans.slice().sort((a, b) => b.need.peak / b.need.capacity - a.need.peak / a.need.capacity)[0];
  const binding = first ?? least;
  const perAggregate: Record<string, number> = {};
  let count = 0;
  if (first) {
    const until = first.exhaustion! + 12 * SECONDS_PER_MONTH;
    // what each resource must have installed twelve months after exhaustion, binding resource first
    const wanted = [first, ...plans.filter((p) => p !== first)].map((p) => {
      const months = Math.max(0, (until - p.need.peakTime) / SECONDS_PER_MONTH);
      return { r: p.need.resource, install: (p.need.peak * (p.g > 0 ? Math.pow(1 + p.g, months) : 1)) / limit - p.need.capacity };
    });
    const added = site.aggregates.map(() => 0);
    const supplied = (r: Resource) => added.reduce((m, n, a) => m + n * per[a][r], 0);
    // hosts go only to aggregates whose hosts have the resource (vGPUs come with GPU hosts), the
    // one with the fewest added first, so identical aggregates (zones) share the order evenly
    const addTo = (r: Resource) => {
      let best = -1;
      for (let a = 0; a < per.length; a++) if (per[a][r] > 0 && (best < 0 || added[a] < added[best])) best = a;
      if (best >= 0) added[best]++;
      return best >= 0;
    };
    for (const w of wanted) while (supplied(w.r) < w.install - 1e-9 && addTo(w.r));
    count = added.reduce((m, n) => m + n, 0);
    const unit = Math.max(1, site.procurement.minOrderHosts);
    while (count % unit !== 0 && addTo(first.need.resource)) count++;
    site.aggregates.forEach((a, i) => (perAggregate[a.name] = added[i]));
  }
  return {
    site: site.name, growthPerMonth: binding?.g ?? 0, growthSource: binding?.source ?? 'none',
    exhaustion: first?.exhaustion, observed: first?.observed ?? false,
    orderBy: first ? first.exhaustion! - site.procurement.leadTimeDays * SECONDS_PER_DAY : undefined,
    hosts: count, perAggregate, binding: binding?.need.resource ?? null,
    spare: binding ? 1 - binding.need.peak / binding.need.capacity : null,
  };
}

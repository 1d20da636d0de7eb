/**
 * Reserved instances / savings-plan units per instance type. Committing one more unit saves
 * onDemand × P(usage ≥ c) − reserved per hour, so the best total is the largest c with
 * P(usage ≥ c) ≥ reserved / onDemand: the point where the usage-duration curve meets the price
 * ratio. Usage is the replay's running non-spot instances per step; the saving is exact for
 * that usage over the horizon.
 */
import { PublicSite } from '../model/model';
import { commitmentsByType } from '../capacity/pricing';
import { SECONDS_PER_HOUR } from '../model/time-constants';

export interface CommitmentAdvice {
  site: string;
  instanceType: string;
  existing: number;
  optimal: number;
  /** Units to add (0 when the existing commitment is already at or above the optimum). */
  add: number;
  reservedHourly: number;
  onDemandHourly: number;
  /** Saving over the horizon of adding `add` units, in the site currency. */
  saving: number;
  /** Instance-hours of existing commitments left idle over the horizon. */
  idleCommittedHours: number;
}

/** The largest c with at least a fraction `ratio` of steps using ≥ c instances. */
export function optimalCommitment(usage: Float64Array, ratio: number): number {
  if (usage.length === 0 || ratio >= 1) return 0;
  const sorted = Float64Array.from(usage).sort(); // ascending
  // P(u ≥ c) ≥ ratio ⇔ c ≤ the value at rank ceil((1 − ratio)·n) from the bottom
  const k = Math.min(sorted.length - 1, Math.max(0, Math.floor((1 - ratio) * sorted.length)));
  return Math.floor(sorted[k]);
}

export function adviseCommitments(site: PublicSite, usageByType: Map<string, Float64Array>, stepSeconds: number): CommitmentAdvice[] {
  const have = commitmentsByType(site);
  const out: CommitmentAdvice[] = [];
  const hours = stepSeconds / SECONDS_PER_HOUR;
  for (const t of [...site.instanceTypes].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const usage = usageByType.get(t.name);
    const ri = t.pricing.reserved1yHourly;
    if (!usage || ri === undefined || !(t.pricing.onDemandHourly > 0)) continue;
    const existing = have.get(t.name)?.count ?? 0;
    const optimal = optimalCommitment(usage, ri / t.pricing.onDemandHourly);
    const add = Math.max(0, optimal - existing);
    let saving = 0;
    let idle = 0;
    for (let i = 0; i < usage.length; i++) {
      const over = Math.max(0, usage[i] - existing);
      saving += (over - Math.max(0, over - add)) * t.pricing.onDemandHourly * hours - add * ri * hours;
      idle += Math.max(0, existing - usage[i]) * hours;
    }
    if (existing === 0 && optimal === 0 && usage.every((u) => u === 0)) continue;
    out.push({ site: site.name, instanceType: t.name, existing, optimal, add, reservedHourly: ri, onDemandHourly: t.pricing.onDemandHourly, saving, idleCommittedHours: idle });
  }
  return out;
}

/**
 * Two runs side by side — current against recommended placement, or one scenario against
 * another — as one list of rows that the terminal, Markdown and HTML renderers all print, so
 * they cannot disagree. Every change is candidate − baseline. When the two horizons differ in
 * length, totals are not comparable: cost is compared per month, unserved demand per month,
 * and SLO-violation steps as a share of steps. Unserved demand is compared per unit, never
 * added across units (demand-units.ts).
 */
import { count, money, quantity } from './money-format';
import type { Report } from './report-types';
import { RESOURCE_LABEL } from '../model/resource-classes';

export interface ComparisonSide {
  label: string;
  cost: number;
  costPerMonth: number;
  unservedByUnit: Record<string, number>;
  /** The contract's all-units sum, kept for the JSON. */
  unservedRequests: number;
  sloViolationSteps: number;
  steps: number;
  horizonSeconds: number;
  /** Peak utilization per site and resource (fraction, null where not bounded). */
  peakUtilization: Record<string, Record<string, number | null>>;
  n1Survives: Record<string, boolean>;
}

export type RowKind = 'money' | 'amount' | 'count' | 'fraction' | 'verdict';

export interface ComparisonRow {
  label: string;
  kind: RowKind;
  /** The unit of an amount row (requests, bytes, …). */
  unit?: string;
  baseline: number | boolean | null;
  candidate: number | boolean | null;
  /** candidate − baseline for numbers; null where not comparable or not a number. */
  change: number | null;
  /** Whether the change is for the better (lower cost, less unserved, a verdict that now holds). */
  better?: boolean;
}

export interface Comparison {
  baseline: string;
  candidate: string;
  /** Header of the change column: "change (candidate − baseline)". */
  changeLabel: string;
  rows: ComparisonRow[];
  /** Said under the table when the horizons differ. */
  note?: string;
  sides: { baseline: ComparisonSide; candidate: ComparisonSide };
}

const SECONDS_PER_MONTH = 2_629_746;
const RESOURCE_NAMES: Record<string, string> = { ...RESOURCE_LABEL, instances: 'instance slots', quota: 'quota' };

export function sideOf(r: Report, label: string): ComparisonSide {
  return {
    label, cost: r.totals.cost, costPerMonth: r.totals.costPerMonth, unservedByUnit: r.totals.unservedByUnit ?? {}, unservedRequests: r.totals.unservedRequests,
    sloViolationSteps: r.totals.sloViolationSteps, steps: r.horizon.steps, horizonSeconds: r.horizon.steps * r.horizon.stepSeconds,
    peakUtilization: Object.fromEntries(r.sites.map((s) => [s.name, { ...(s.peakUtilization as unknown as Record<string, number | null>) }])),
    n1Survives: Object.fromEntries(r.failover.map((f) => [f.lostSite, f.survives])),
  };
}

function num(label: string, kind: RowKind, a: number, b: number, unit?: string): ComparisonRow {
  const change = b - a;
  return { label, kind, unit, baseline: a, candidate: b, change, better: change < 0 ? true : change > 0 ? false : undefined };
}

export function compare(a: ComparisonSide, b: ComparisonSide): Comparison {
  const same = Math.abs(a.horizonSeconds - b.horizonSeconds) < 1;
  const rows: ComparisonRow[] = [];
  const monthsA = a.horizonSeconds / SECONDS_PER_MONTH;
  const monthsB = b.horizonSeconds / SECONDS_PER_MONTH;
  if (same) rows.push(num('cost', 'money', a.cost, b.cost));
  rows.push(num('cost per month', 'money', a.costPerMonth, b.costPerMonth));
  const units = [...new Set([...Object.keys(a.unservedByUnit), ...Object.keys(b.unservedByUnit)])].sort();
  for (const u of units) {
    const x = a.unservedByUnit[u] ?? 0;
    const y = b.unservedByUnit[u] ?? 0;
    rows.push(same ? num(`unserved ${u}`, 'amount', x, y, u) : num(`unserved ${u} per month`, 'amount', x / monthsA, y / monthsB, u));
  }
  if (!units.length) rows.push(num('unserved demand', 'amount', 0, 0));
  rows.push(same ? num('SLO-violation steps', 'count', a.sloViolationSteps, b.sloViolationSteps) : num('SLO-violation steps (share of steps)', 'fraction', a.sloViolationSteps / a.steps, b.sloViolationSteps / b.steps));
  for (const site of Object.keys(a.peakUtilization)) {
    for (const [res, x] of Object.entries(a.peakUtilization[site])) {
      const y = b.peakUtilization[site]?.[res] ?? null;
      if (x === null && y === null) continue;
      rows.push({ label: `peak ${RESOURCE_NAMES[res] ?? res} ${site}`, kind: 'fraction', baseline: x, candidate: y, change: x !== null && y !== null ? y - x : null });
    }
  }
  for (const site of Object.keys(a.n1Survives)) {
    const x = a.n1Survives[site];
    const y = b.n1Survives[site] ?? null;
    rows.push({ label: `lose ${site}`, kind: 'verdict', baseline: x, candidate: y, change: null, better: y === null || x === y ? undefined : y });
  }
  return {
    baseline: a.label, candidate: b.label, changeLabel: `change (${b.label} − ${a.label})`, rows, sides: { baseline: a, candidate: b },
    note: same ? undefined : `The horizons differ (${(a.horizonSeconds / 86400).toFixed(1)} days against ${(b.horizonSeconds / 86400).toFixed(1)} days): cost and unserved demand are compared per month, SLO-violation steps as a share of steps.`,
  };
}

/**
 * One cell of a comparison row as text, the same in every renderer; `exact` (Markdown, for a
 * review that checks sums) prints money to the cent and amounts unrounded.
 */
export function comparisonCell(row: ComparisonRow, which: 'baseline' | 'candidate' | 'change', currency: string, exact = false): string {
  const v = row[which];
  if (v === null) return which === 'change' ? '' : '—';
  if (typeof v === 'boolean') return v ? 'survives' : 'fails';
  const sign = which === 'change' && v > 0 ? '+' : '';
  switch (row.kind) {
    case 'money': return sign + (exact ? `${v.toFixed(2)} ${currency}` : money(v, currency));
    case 'amount': return `${sign}${exact ? String(Math.round(v * 100) / 100) : quantity(v)}${row.unit ? ` ${row.unit}` : ''}`;
    case 'count': return sign + count(v);
    case 'fraction': return `${sign}${(v * 100).toFixed(1)}${which === 'change' ? ' pt' : ' %'}`;
    default: return String(v);
  }
}

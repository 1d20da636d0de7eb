/**
 * Units of demand and of unserved demand. A workload's demand is a rate in its own unit (rps,
 * bytes/s, jobs); unserved demand is that rate × seconds: requests for rps, bytes for bytes/s,
 * otherwise "<unit>·s". Amounts in different units are never added together: totals are kept
 * per unit.
 */

/** The unit of an amount of a rate unit over time: rps → requests, bytes/s → bytes, jobs → jobs·s. */
export function amountUnit(rateUnit: string): string {
  if (rateUnit === 'rps') return 'requests';
  if (rateUnit.endsWith('/s')) return rateUnit.slice(0, -2);
  return `${rateUnit}·s`;
}

/** Sums per amount unit, keys in name order (stable JSON). */
export function sumByUnit(items: readonly { unit: string; amount: number }[]): Record<string, number> {
  const out = new Map<string, number>();
  for (const it of items) out.set(amountUnit(it.unit), (out.get(amountUnit(it.unit)) ?? 0) + it.amount);
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** "79.81M requests, 36.50M bytes" (or "none"), amounts formatted by `fmt`. */
export function amountsText(byUnit: Record<string, number>, fmt: (x: number) => string): string {
  const parts = Object.entries(byUnit).filter(([, v]) => v > 0).map(([u, v]) => `${fmt(v)} ${u}`);
  return parts.length ? parts.join(', ') : 'none';
}

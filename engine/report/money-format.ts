/** Numbers for people: money as 4.56T, 1.23B, 45.67M, 8.9k or 12.34 and the currency; amounts alike. No Node imports (the webview uses it too). */
import { SECONDS_PER_DAY, SECONDS_PER_MONTH } from '../model/time-constants';

/**
 * How a headline names totals.costPerMonth: the horizon's cost over its length in months of
 * 2,629,746 s (format.md), not a calendar month's, so a quarter of 90 days is 2.96 of them; said
 * in the line so that 102.35M over Q1 reading as 34.61M, not 34.12M, a month is not taken for an error.
 */
export const PER_MONTH = `per month of ${(SECONDS_PER_MONTH / SECONDS_PER_DAY).toFixed(2)} days`;

/** Factor, suffix and decimals of each scale above the plain number. */
const SCALES: readonly [number, string, number][] = [[1e3, 'k', 1], [1e6, 'M', 2], [1e9, 'B', 2], [1e12, 'T', 2]];

/**
 * x in the largest scale it reaches (`small` below 1,000), moved up one where rounding would
 * write 1,000 of a scale: 999,995 is 1.00M, not 1000.0k.
 */
function scaled(x: number, small: (v: number) => string): string {
  const a = Math.abs(x);
  let i = SCALES.length - 1;
  while (i >= 0 && a < SCALES[i][0]) i--;
  for (;;) {
    const text = i < 0 ? small(x) : (x / SCALES[i][0]).toFixed(SCALES[i][2]);
    if (i === SCALES.length - 1 || Math.abs(Number(text)) < 1000) return i < 0 ? text : text + SCALES[i][1];
    i++;
  }
}

export function money(x: number, currency: string): string {
  return `${scaled(x, (v) => v.toFixed(2))} ${currency}`;
}

/**
 * The exchange rates behind the money, as a headline says them: " (1 USD = 1,390 KRW)", or ""
 * when every site is priced in the reporting currency.
 */
export function ratesText(rates: Readonly<Record<string, number>> | undefined, currency: string): string {
  const list = Object.entries(rates ?? {}).filter(([c]) => c !== currency);
  return list.length ? ` (${list.map(([c, v]) => `1 ${c} = ${v.toLocaleString('en-US', { maximumFractionDigits: 6 })} ${currency}`).join(', ')})` : '';
}

/** A whole count as people read it in a table or a line: 22,098 (steps, instance-hours), exact. */
export function count(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/**
 * What a failover shortfall takes, as every output writes it: "480 vCPU, 3,840 GiB", then its
 * PCPU and vGPU where it has any (", 8 PCPU, 4 vGPU"); whole numbers with separators (count).
 */
export function shortfallAmounts(v: { vcpus: number; memoryMiB: number; pcpus?: number; vgpus?: number }): string {
  return `${count(v.vcpus)} vCPU, ${count(v.memoryMiB / 1024)} GiB${v.pcpus ? `, ${count(v.pcpus)} PCPU` : ''}${v.vgpus ? `, ${count(v.vgpus)} vGPU` : ''}`;
}

/** A count or amount: 3.91T, 1.23B, 45.67M, 8.9k, 12 or 12.5. */
export function quantity(x: number): string {
  return scaled(x, (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)));
}

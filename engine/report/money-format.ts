/** Numbers for people: money as 1.23B, 45.67M, 8.9k or 12.34 and the currency; amounts alike. No Node imports (the webview uses it too). */
import { SECONDS_PER_DAY, SECONDS_PER_MONTH } from '../model/time-constants';

/**
 * How a headline names totals.costPerMonth: the horizon's cost over its length in months of
 * 2,629,746 s (format.md), not a calendar month's, so a quarter of 90 days is 2.96 of them; said
 * in the line so that 102.35M over Q1 reading as 34.61M, not 34.12M, a month is not taken for an error.
 */
export const PER_MONTH = `per month of ${(SECONDS_PER_MONTH / SECONDS_PER_DAY).toFixed(2)} days`;

export function money(x: number, currency: string): string {
  const abs = Math.abs(x);
  const s = abs >= 1e9 ? `${(x / 1e9).toFixed(2)}B` : abs >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : abs >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(2);
  return `${s} ${currency}`;
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

/** A count or amount: 1.23B, 45.67M, 8.9k, 12 or 12.5. */
export function quantity(x: number): string {
  const a = Math.abs(x);
  return a >= 1e9 ? `${(x / 1e9).toFixed(2)}B` : a >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : a >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/**
 * A report site's binding resource as its readers use it: how it reads in the summary, the
 * Markdown and CSV export and the webview (the resource and its peak need, needed / installed
 * schedulable capacity, or, when demand met a step with nothing of that resource installed, that;
 * JSON has no ∞, so the report carries that case as peakNeed NOTHING_INSTALLED (1e9) and spare
 * −1e9); whether the site keeps a headroom target (policies, the diff's verdicts, the editor's
 * diagnostic); and which site is the most crowded (the status bar, the chart shown first).
 */
import type { ResourceKey } from '../model/resource-classes';
import type { ReportSite } from './report-types';

export const NOTHING_INSTALLED = 1e9;

export function bindingText(b: { resource: ResourceKey; peakNeed: number }, label: string, pct: (x: number) => string): string {
  return b.peakNeed >= NOTHING_INSTALLED ? `${label}: demand, none installed` : `${label} ${pct(b.peakNeed)}`;
}

/**
 * A spare as a percentage to 0.1 pt (a negative spare reads 0.0 %, whatever the target). One that misses `target` gets
 * more places until it reads below the target, so a message never says "20.0 % spare, below the
 * 20 % target" of a spare of 0.19996 (it says 19.996 %).
 */
export function sparePct(spare: number, target?: number): string {
  const x = Math.max(0, spare) * 100;
  let places = 1;
  // against the target as targetPct writes it (0.07 × 100 is 7.000000000000001)
  if (target !== undefined && !spareMeets(spare, target) && x > 0) while (places < 9 && Number(x.toFixed(places)) >= targetPercent(target)) places++;
  return `${x.toFixed(places)} %`;
}

/** A headroom target as a percentage, as exact as it was written: 20 %, 12.5 % (not 13 %). */
export function targetPct(target: number): string {
  return `${targetPercent(target)} %`;
}

/** A headroom target as a number of percent, as targetPct writes it (87.5 for 0.875). */
export const targetPercent = (target: number) => Number((target * 100).toFixed(6));

/** Whether a spare keeps a headroom target (to 1e-9): every headroom verdict is this test. */
export function spareMeets(spare: number, target: number): boolean {
  return spare + 1e-9 >= target;
}

/** Whether the site keeps `target` spare on every resource at its peak need (a site with no bound, a public one without quota, does). */
export function meetsHeadroom(site: Pick<ReportSite, 'binding'>, target: number): boolean {
  return !site.binding || spareMeets(site.binding.spare, target);
}

/** The site whose binding resource has the highest peak need (ties by name), if any site has one. */
export function mostCrowded<S extends Pick<ReportSite, 'name' | 'binding'>>(sites: readonly S[]): S | undefined {
  return sites.filter((s) => s.binding).sort((a, b) => b.binding!.peakNeed - a.binding!.peakNeed || (a.name < b.name ? -1 : 1))[0];
}

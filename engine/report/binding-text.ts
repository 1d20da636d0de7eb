/**
 * How a site's binding resource reads in the summary, the Markdown and CSV export and the
 * webview: the resource and its peak need (needed / installed schedulable capacity), or, when
 * demand met a step with nothing of that resource installed (need / 0), that. JSON has no ∞,
 * so the report carries that case as peakNeed NOTHING_INSTALLED (1e9) and spare −1e9.
 */
import type { ResourceKey } from '../model/resource-classes';

export const NOTHING_INSTALLED = 1e9;

export function bindingText(b: { resource: ResourceKey; peakNeed: number }, label: string, pct: (x: number) => string): string {
  return b.peakNeed >= NOTHING_INSTALLED ? `${label}: demand, none installed` : `${label} ${pct(b.peakNeed)}`;
}

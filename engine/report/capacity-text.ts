/**
 * A site's capacity as a table cell (summary, Markdown export, webview): as configured at the
 * horizon's start, then "→" what the scenario's addHosts make of it, where they change it
 * (report-types.ts, capacityAfterEvents), so that a peak utilization against the larger
 * capacity is not read against the smaller one. No Node imports (the webview uses it too).
 */
import type { ReportSite, SiteCapacity } from './report-types';

export function capacityCell(s: Pick<ReportSite, 'capacity' | 'capacityAfterEvents'>, text: (c: SiteCapacity) => string): string {
  const start = text(s.capacity);
  const after = s.capacityAfterEvents ? text(s.capacityAfterEvents) : start;
  return after === start ? start : `${start} → ${after}`;
}

/**
 * The last guard before a report is shown or written: every number in it must be finite. The
 * schemas bound every input (README, "Limits") so that no sum of them overflows a float64; this
 * check names the figure if one ever does, instead of printing "Infinity" or writing null.
 */

/** JSON path (`workloads[3].cost`) of the first non-finite number in v, or undefined. */
export function firstNonFinite(v: unknown, at = ''): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : at || '(value)';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = firstNonFinite(v[i], `${at}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return `${at}[${i}]`;
    return undefined;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = firstNonFinite(x, at ? `${at}.${k}` : k);
      if (p) return p;
    }
  }
  return undefined;
}

/** Thrown when a report holds a figure that is not a finite number (exit 1). */
export class NonFiniteError extends Error {}

export function assertFinite(report: { workloads?: { name: string }[]; sites?: { name: string }[] }): void {
  const p = firstNonFinite(report);
  if (!p) return;
  // name the workload or site the figure belongs to, when the path says
  const m = /^(workloads|sites)\[(\d+)\]/.exec(p);
  const owner = m ? (m[1] === 'workloads' ? `workload ${report.workloads?.[Number(m[2])]?.name}` : `site ${report.sites?.[Number(m[2])]?.name}`) : undefined;
  throw new NonFiniteError(`the result ${p}${owner ? ` (${owner})` : ''} is not a finite number: an input of ${owner ?? 'the workspace'} is too large to compute with; nothing was written`);
}

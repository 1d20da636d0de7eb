/**
 * The last guard before a report is shown or written: every number in it must be finite. The
 * schemas bound every input (README, "Limits") so that no sum of them overflows a float64; this
 * check names the figure if one ever does, instead of printing "Infinity" or writing null.
 */

/** JSON path (`workloads[3].cost`) of the first non-finite number in v, or undefined. */
export function firstNonFinite(v: unknown, at = ''): string | undefined {
  // a pass that only looks (every report), then the pass that keeps the path (a report with such a figure)
  if (!anyNonFinite(v)) return undefined;
  // the path is kept as a stack of keys and spelled out only for the figure found
  const keys: (string | number)[] = [];
  walk(v, keys);
  let out = at;
  for (const k of keys) out += typeof k === 'number' ? `[${k}]` : out ? `.${k}` : k;
  return out || '(value)';
}

/**
 * Whether v holds a non-finite number, without the path: the check of every report, so kept
 * cheap (a report of 1,000 workloads: 1.7 MB of JSON, 12 ms with the path kept, cold).
 */
function anyNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'number' ? !Number.isFinite(x) : anyNonFinite(x)) return true;
    }
    return false;
  }
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const x = o[keys[i]];
    if (typeof x === 'number' ? !Number.isFinite(x) : anyNonFinite(x)) return true;
  }
  return false;
}

/**
 * The path to the first non-finite number of v, which holds one (anyNonFinite), into `keys`: at
 * each level, the first child anyNonFinite finds one in.
 */
function walk(v: unknown, keys: (string | number)[]): void {
  if (typeof v !== 'object' || v === null) return;
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return void keys.push(i);
    return;
  }
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  const hit = entries.find(([, x]) => anyNonFinite(x));
  if (!hit) return;
  keys.push(hit[0]);
  walk(hit[1], keys);
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

/**
 * Resampling a run's traces on the trace workers (trace-prefetch.ts), right after each is parsed,
 * instead of one by one on the main thread when the run's demand is built: the worker resamples
 * the trace for each time zone and extend mode the run reads it in (traffic.ts, resampledOnce),
 * measures the statistics (demand-statistics.ts) and writes the trace store's entry; the main
 * thread adopts the results (in shared memory, not copied) as resampledOnce's own. Only for a
 * run whose horizon is known before the traces are read (the scenario names it).
 */
import type { Horizon } from '../model/model';
import type { ParsedTrace } from './trace-csv';
import { toSeries } from './trace-file';
import type { TraceStore } from './trace-store';
import { adoptResampled, ResampledTrace, resampledOnce } from './traffic';
import { demandStats } from './demand-statistics';

/** How a run reads one trace: the time zone of its naive times and what happens past its end. */
export interface ResampleSpec {
  timezone: string;
  extend: 'repeat' | 'hold' | 'error';
}

/** The run the traces are resampled for, and how it reads each trace file (absolute path → specs). */
export interface ResamplePlan {
  horizon: Horizon;
  steps: number;
  specs: Map<string, ResampleSpec[]>;
}

/**
 * On a worker: the trace resampled for each spec, with its statistics, and written to the store.
 * A spec that cannot be resampled is left out (the main thread then meets the problem itself).
 */
export function resampleAhead(parsed: ParsedTrace, specs: readonly ResampleSpec[], horizon: Horizon, steps: number, store: TraceStore | undefined): (ResampledTrace | null)[] {
  return specs.map((s) => {
    try {
      const r = resampledOnce(toSeries(parsed, s.timezone), horizon, s.extend, steps, store);
      r.stats ??= demandStats(r.out);
      if (store && r.key && r.origin && !r.stored) r.stored = store.putResampled(r.key, { out: r.out, warnings: r.warnings, stats: r.stats, origin: r.origin });
      return r;
    } catch {
      return null;
    }
  });
}

/** On the main thread: a worker's resampleAhead results, taken as the run's own. */
export function adoptAhead(parsed: ParsedTrace, specs: readonly ResampleSpec[], horizon: Horizon, steps: number, results: readonly (ResampledTrace | null)[]): void {
  specs.forEach((s, i) => {
    const r = results[i];
    if (r) adoptResampled(toSeries(parsed, s.timezone), horizon, s.extend, steps, r);
  });
}

/**
 * Resampling a run's traces on the trace workers (trace-prefetch.ts), right after each is parsed,
 * instead of one by one on the main thread when the run's demand is built: the worker resamples
 * the trace for each time zone and extend mode the run reads it in (traffic.ts, resampledOnce),
 * measures the statistics (demand-statistics.ts) and writes the trace store's entry; the main
 * thread adopts the results (in shared memory, not copied) as resampledOnce's own. Only for a
 * run whose horizon is known before the traces are read (the scenario names it). Files too few
 * or small for workers are read the same way on the main thread.
 */
import type { Horizon } from '../model/model';
import type { ParsedTrace, RowScratch } from './trace-csv';
import { readTraceFile, toSeries, TraceRead } from './trace-file';
import { KnownTrace, TraceOrigin, TraceStore } from './trace-store';
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
      if (store && r.key && r.origin && !r.stored) {
        store.putResampled(r.key, { out: r.out, warnings: r.warnings, stats: r.stats, origin: r.origin });
        r.stored = true;
      }
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

/**
 * One trace file read for a run: its version key, and either the parse or, when the trace was
 * resampled for every way the run reads it, only its origin (the rows are not needed again).
 */
export interface AheadRead {
  key?: string;
  read?: TraceRead;
  known?: TraceOrigin;
  resampled?: (ResampledTrace | null)[];
}

/**
 * Reads, parses and resamples one trace file for the run, and records it in the store. `rows`:
 * parse into these arrays (RowScratch), valid until the next read; a parse returned is copied out.
 */
export function readAhead(absPath: string, store: TraceStore | undefined, run?: { horizon: Horizon; steps: number; specs: readonly ResampleSpec[] }, rows?: RowScratch): AheadRead {
  const got = readTraceFile(absPath, store, rows);
  const parsed = got.read.ok ? got.read.parsed : undefined;
  const specs = run?.specs;
  const resampled = parsed && !parsed.problems.length && specs?.length ? resampleAhead(parsed, specs, run!.horizon, run!.steps, store) : undefined;
  // the file's identity: a link to a resampled entry just written or found, else an entry of its own
  if (got.fresh) store?.putIdentity(absPath, got.fresh.st, got.fresh.origin, resampled?.find((r) => r?.stored && r.key)?.key);
  // resampled for every way the run reads it, and no coverage check to come (extend: error reads
  // the times): the run needs the resampled series alone, so the rows are not kept for the whole
  // run (parsed again from the CSV should anything use them)
  if (parsed?.hash && resampled?.every((r) => r !== null) && specs!.every((s) => s.extend !== 'error')) return { key: got.key, known: { hash: parsed.hash, rows: parsed.wall.length }, resampled };
  // (a trace known to the store by identity was not parsed, and reading its arrays would parse it)
  const inScratch = rows && parsed && !(parsed instanceof KnownTrace) && rows.holds(parsed.wall);
  return { key: got.key, read: inScratch ? { ok: true, parsed: copiedOut(parsed) } : got.read, resampled };
}

/** A parse whose arrays are its own (not a RowScratch's). */
function copiedOut(p: ParsedTrace): ParsedTrace {
  return { wall: p.wall.slice(), values: p.values.slice(), hasOffset: p.hasOffset.slice(), problems: p.problems, hash: p.hash };
}

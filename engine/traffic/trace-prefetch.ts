/**
 * Reads many trace files at once on worker threads (trace-worker.ts), ahead of the lint rules
 * and the replay, which then find them in the TraceCache. Each worker takes the next file from
 * a shared counter, so a busy core takes fewer. Few or small files are left to the caller's own
 * thread: starting a worker costs more than parsing them. Given the run's resample plan, the
 * workers also resample each trace for it (resample-ahead.ts), and so does this thread for the
 * files it keeps.
 */
import { workerScript } from '../model/worker-scripts';
import * as fs from 'fs';
import * as os from 'os';
import { Worker } from 'worker_threads';
import { reparseOf, storedTrace, TraceCache, TraceRead, versionKey } from './trace-file';
import { KnownTrace } from './trace-store';
import { RowScratch } from './trace-csv';
import { adoptAhead, AheadRead, readAhead, ResamplePlan, ResampleSpec } from './resample-ahead';

/** Below this many bytes to parse, workers do not pay for themselves. */
const MIN_PARALLEL_BYTES = 32 * 1024 * 1024;

/** Returns how many files were read on worker threads. */
export async function prefetchTraces(cache: TraceCache, absPaths: readonly string[], opts: { workers?: number; minBytes?: number; resample?: ResamplePlan } = {}): Promise<number> {
  const workers = opts.workers ?? Math.min(4, os.availableParallelism?.() ?? os.cpus().length);
  const todo: string[] = [];
  let bytes = 0;
  for (const p of new Set(absPaths)) {
    let st: fs.BigIntStats;
    try {
      st = fs.statSync(p, { bigint: true });
    } catch {
      continue; // the rules report it
    }
    if (!st.isFile() || cache.has(p, versionKey(st))) continue;
    // known to the on-disk store: reading it there is faster than any worker
    const known = cache.store && storedTrace(cache.store, p, st);
    if (known) {
      cache.remember(p, versionKey(st), { ok: true, parsed: known });
      continue;
    }
    todo.push(p);
    bytes += Number(st.size);
  }
  const plan = opts.resample;
  const specs: ResampleSpec[][] | undefined = plan && todo.map((p) => plan.specs.get(p) ?? []);
  const take = (i: number, m: AheadRead) => {
    // a trace resampled for every use the run makes of it comes without its rows (resample-ahead.ts)
    const read: TraceRead = m.known ? { ok: true, parsed: new KnownTrace(m.known.hash, m.known.rows, reparseOf(todo[i])) } : m.read!;
    if (m.key !== undefined) cache.remember(todo[i], m.key, read);
    if (plan && specs && read.ok && m.resampled) adoptAhead(read.parsed, specs[i], plan.horizon, plan.steps, m.resampled);
  };
  const script = workerScript(__dirname, 'trace-worker');
  if (!script || workers < 2 || todo.length < 2 || bytes < (opts.minBytes ?? MIN_PARALLEL_BYTES)) {
    // not worth workers: a run's traces are read and resampled here the same way, now, so that
    // each parse's rows can go once resampled; without a run the rules read each when they need it
    const rows = new RowScratch();
    if (plan && specs) todo.forEach((p, i) => take(i, readAhead(p, cache.store, { horizon: plan.horizon, steps: plan.steps, specs: specs[i] }, rows)));
    return 0;
  }
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const storeDir = cache.store?.dir ?? null;
  const ahead = plan && { horizon: plan.horizon, steps: plan.steps, specs };
  await Promise.all(Array.from({ length: Math.min(workers, todo.length) }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(script, { workerData: { paths: todo, counter, storeDir, ahead } });
    w.on('message', (m: AheadRead & { end?: boolean; i: number }) => {
      if (!m.end) take(m.i, m);
    });
    w.on('error', reject);
    w.on('exit', () => resolve());
  })));
  return todo.length;
}

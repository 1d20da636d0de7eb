/**
 * Worker thread for trace-prefetch.ts: reads and parses the trace files it is given, one at a time
 * from a shared counter, and resamples each for the run when given its plan (resample-ahead.ts).
 */
import { parentPort, workerData } from 'worker_threads';
import type { Horizon } from '../model/model';
import { readTraceFile, TraceRead } from './trace-file';
import { TraceStore } from './trace-store';
import { resampleAhead, ResampleSpec } from './resample-ahead';

const { paths, counter, storeDir, ahead } = workerData as { paths: string[]; counter: Int32Array; storeDir: string | null; ahead?: { horizon: Horizon; steps: number; specs: ResampleSpec[][] } };
const store = storeDir ? TraceStore.open(storeDir) : undefined;
for (;;) {
  const i = Atomics.add(counter, 0, 1);
  if (i >= paths.length) break;
  const got = readTraceFile(paths[i], store);
  // before the parse's arrays are handed over (transferred) below
  const resampled = ahead && got.read.ok && !got.read.parsed.problems.length && ahead.specs[i].length ? resampleAhead(got.read.parsed, ahead.specs[i], ahead.horizon, ahead.steps, store) : undefined;
  // the file's identity: a link to a resampled entry just written or found, else an entry of its own
  if (got.fresh) store?.putIdentity(paths[i], got.fresh.st, got.fresh.origin, resampled?.find((r) => r?.stored && r.key)?.key);
  const parsed = got.read.ok ? got.read.parsed : undefined;
  // resampled for every way the run reads it, and no coverage check to come (extend: error reads the
  // times): the run needs the resampled series alone, so the parse's rows stay here rather than be
  // held by the main thread for the whole run (parsed again from the CSV should anything use them)
  if (parsed?.hash && resampled?.every((r) => r !== null) && ahead!.specs[i].every((s) => s.extend !== 'error')) {
    parentPort!.postMessage({ i, key: got.key, known: { hash: parsed.hash, rows: parsed.wall.length }, resampled });
    continue;
  }
  // a plain object (a parse known to the store is a class whose arrays load on first use)
  const read: TraceRead = parsed ? { ok: true, parsed: { wall: parsed.wall, values: parsed.values, hasOffset: parsed.hasOffset, problems: parsed.problems, hash: parsed.hash } } : got.read;
  const transfer = parsed ? [parsed.wall.buffer, parsed.values.buffer, parsed.hasOffset.buffer] : [];
  parentPort!.postMessage({ i, key: got.key, read, resampled }, [...new Set(transfer)] as ArrayBuffer[]);
}
parentPort!.postMessage({ end: true });

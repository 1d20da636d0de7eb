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
  // a plain object (a parse read from the store is a class whose arrays load on first use)
  const read: TraceRead = got.read.ok ? { ok: true, parsed: { wall: got.read.parsed.wall, values: got.read.parsed.values, hasOffset: got.read.parsed.hasOffset, problems: got.read.parsed.problems, hash: got.read.parsed.hash } } : got.read;
  const transfer = read.ok ? [read.parsed.wall.buffer, read.parsed.values.buffer, read.parsed.hasOffset.buffer] : [];
  parentPort!.postMessage({ i, key: got.key, read, resampled }, [...new Set(transfer)] as ArrayBuffer[]);
}
parentPort!.postMessage({ end: true });

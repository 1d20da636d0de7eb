/**
 * Worker thread for trace-prefetch.ts: reads and parses the trace files it is given, one at a time
 * from a shared counter, and resamples each for the run when given its plan (resample-ahead.ts).
 */
import { parentPort, workerData } from 'worker_threads';
import type { Horizon } from '../model/model';
import type { TraceRead } from './trace-file';
import { TraceStore } from './trace-store';
import { readAhead, ResampleSpec } from './resample-ahead';
import { RowScratch } from './trace-csv';

const { paths, counter, storeDir, ahead } = workerData as { paths: string[]; counter: Int32Array; storeDir: string | null; ahead?: { horizon: Horizon; steps: number; specs: ResampleSpec[][] } };
const store = storeDir ? TraceStore.open(storeDir, { packed: true }) : undefined;
// each file parsed into the same arrays: a trace the run needs only resampled leaves no garbage (a parse sent on is copied out)
const rows = new RowScratch();
for (;;) {
  const i = Atomics.add(counter, 0, 1);
  if (i >= paths.length) break;
  const got = readAhead(paths[i], store, ahead && { horizon: ahead.horizon, steps: ahead.steps, specs: ahead.specs[i] }, rows);
  const parsed = got.read?.ok ? got.read.parsed : undefined;
  if (!parsed) {
    parentPort!.postMessage({ i, ...got });
    continue;
  }
  // a plain object (a parse known to the store is a class whose arrays load on first use), its arrays handed over
  const read: TraceRead = { ok: true, parsed: { wall: parsed.wall, values: parsed.values, hasOffset: parsed.hasOffset, problems: parsed.problems, hash: parsed.hash } };
  const transfer = [parsed.wall.buffer, parsed.values.buffer, parsed.hasOffset.buffer];
  parentPort!.postMessage({ i, ...got, read }, [...new Set(transfer)] as ArrayBuffer[]);
}
// what this worker stored, in one pack (trace-pack.ts), whole before the run goes on
store?.finishPack();
parentPort!.postMessage({ end: true });

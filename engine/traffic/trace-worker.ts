/** Worker thread for trace-prefetch.ts: reads and parses the trace files it is given, one at a time from a shared counter. */
import { parentPort, workerData } from 'worker_threads';
import { readTraceFile } from './trace-file';
import { TraceStore } from './trace-store';

const { paths, counter, storeDir } = workerData as { paths: string[]; counter: Int32Array; storeDir: string | null };
const store = storeDir ? TraceStore.open(storeDir) : undefined;
for (;;) {
  const i = Atomics.add(counter, 0, 1);
  if (i >= paths.length) break;
  const got = readTraceFile(paths[i], store);
  const transfer = got.read.ok ? [got.read.parsed.wall.buffer, got.read.parsed.values.buffer, got.read.parsed.hasOffset.buffer] : [];
  parentPort!.postMessage({ i, key: got.key, read: got.read }, [...new Set(transfer)] as ArrayBuffer[]);
}
parentPort!.postMessage({ end: true });

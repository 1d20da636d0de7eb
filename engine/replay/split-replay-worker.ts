/**
 * Worker thread for split-replay.ts: loads the replay, waits for its part of a run's sites on
 * the port it was given, replays it and posts the result; then, when this thread is done before
 * the other and takes the N-1 check (flags[CHECK_TAKEN_BY] from 0 to 1), runs it and posts it too.
 * After each post it raises flags[POSTED] for the other thread, which waits on it, whatever
 * happens (an error is posted as such, and the other thread does the work itself).
 */
import { MessagePort, workerData } from 'worker_threads';
import type { SplitJob } from './split-replay';

// the flag indices of split-replay.ts (not imported: this file loads the engine in a try below)
const POSTED = 0;
const CHECK_TAKEN_BY = 1;

const { flags, port } = workerData as { flags: Int32Array; port: MessagePort };
let engine: { replay: typeof import('./replay').replay; failoverCheck: typeof import('./failover').failoverCheck } | undefined;
let loadError: unknown;
try {
  // required here, so that a failure to load the engine is posted as the job's error
  engine = { replay: (require('./replay') as typeof import('./replay')).replay, failoverCheck: (require('./failover') as typeof import('./failover')).failoverCheck };
} catch (e) {
  loadError = e;
}

/**
 * Buffers past this size are moved with the result, smaller ones copied: moving has a cost per
 * buffer, and a result of 1,000 workloads holds thousands of small ones (months per pair and
 * workload). Moving every one took 100 ms for 1,000 workloads × 4 sites; copying every one cost
 * 7–29 ms (two measurements) for 100 workloads at 5 min, whose per-step series are the large ones.
 */
const MOVE_BYTES = 64 * 1024;

/** The ArrayBuffers of at least MOVE_BYTES under v's typed arrays (arrays, Maps and plain objects walked; shared memory left). */
function buffersOf(v: unknown, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(v)) {
    if (v.buffer instanceof ArrayBuffer && v.buffer.byteLength >= MOVE_BYTES) out.add(v.buffer);
  } else if (Array.isArray(v)) for (const x of v) buffersOf(x, out);
  else if (v instanceof Map) for (const x of v.values()) buffersOf(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) buffersOf(x, out);
  return [...out];
}

function posted(stage: number): void {
  Atomics.store(flags, POSTED, stage);
  Atomics.notify(flags, POSTED);
}

port.once('message', (job: SplitJob) => {
  try {
    if (!engine) throw loadError;
    const result = engine.replay({ ...job.input, demand: job.demand });
    // its large arrays moved, not copied: this thread is done with them
    port.postMessage({ result }, buffersOf(result));
    posted(1);
    const f = job.failover;
    if (f && Atomics.compareExchange(flags, CHECK_TAKEN_BY, 0, 1) === 0) {
      const { model, workloads, events } = job.input;
      port.postMessage({ failover: engine.failoverCheck(model, f.placement, workloads, f.peaks, events) });
      posted(2);
    }
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
    posted(2);
  } finally {
    port.close();
  }
});

/**
 * Worker thread for split-replay.ts: loads the replay, waits for its part of a run's sites on
 * the port it was given, replays it, posts the result, then raises the shared flag the other
 * thread waits on, whatever happens (an error is posted as such, and the part is replayed there).
 */
import { MessagePort, workerData } from 'worker_threads';
import type { SplitJob } from './split-replay';

const { done, port } = workerData as { done: Int32Array; port: MessagePort };
let replay: typeof import('./replay').replay | undefined;
let loadError: unknown;
try {
  // required here, so that a failure to load the engine is posted as the job's error
  ({ replay } = require('./replay') as typeof import('./replay'));
} catch (e) {
  loadError = e;
}
port.once('message', (job: SplitJob) => {
  try {
    if (!replay) throw loadError;
    port.postMessage({ result: replay({ ...job.input, demand: job.demand }) });
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  } finally {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    port.close();
  }
});

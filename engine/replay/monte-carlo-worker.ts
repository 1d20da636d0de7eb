/** Worker thread for monte-carlo.ts: takes runs from the shared counter and posts each outcome with its index. */
import { parentPort, workerData } from 'worker_threads';
import { MonteCarloJob, runFromCounter } from './monte-carlo';

const { job, shared, counter, indices } = workerData as { job: MonteCarloJob; shared: Float64Array[]; counter: Int32Array; indices?: number[] };
runFromCounter(job, shared, counter, (r, outcome) => parentPort!.postMessage({ r, outcome }), indices);
parentPort!.postMessage({ end: true });

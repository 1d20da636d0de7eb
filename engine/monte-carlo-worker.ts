/** Worker thread for monte-carlo.ts: runs its slice of runs and posts the outcomes in run order. */
import { parentPort, workerData } from 'worker_threads';
import { MonteCarloJob, runSlice } from './monte-carlo';

const { job, shared, from, to } = workerData as { job: MonteCarloJob; shared: Float64Array[]; from: number; to: number };
const outcomes = runSlice(job, shared, from, to, () => parentPort!.postMessage({ done: 1 }));
parentPort!.postMessage({ outcomes });

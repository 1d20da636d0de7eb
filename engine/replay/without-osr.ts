/**
 * V8's on-stack replacement turned off while a split replay runs (split-replay.ts). The site
 * steppers are closures over the run's arrays (settle-pair.ts), fast when V8 compiles them for
 * their one closure, with the arrays as constants. Code compiled by on-stack replacement, entered
 * in the middle of a loop, is not compiled for one closure: a stepper whose first long loop was
 * replaced on the stack can keep entering that code at its loop on every later call. Measured on
 * the worker's part of 1,000 workloads sharing 10 traces (two OpenStack sites, a year at 1 h):
 * 215–280 ms in 12 of 16 runs and 390–440 ms in the other 4, its settle loop 80–97 ms against
 * 237–256 ms; with replacement off, 210–245 ms in 16 runs of 16, and this thread's part as fast
 * as before (231–292 ms). A replay on one thread showed no such runs (New York, 100 workloads:
 * 65–78 ms either way), so only the split turns it off.
 *
 * V8's flags are the process's: turned off here, they are off for every thread for the time of
 * the split, and on again after it, whatever happens; a process started with --no-use-osr keeps
 * it off. Only a process's main thread turns it off (the CLI's `simulate`, `recommend`, a diff's
 * head): a split on a worker thread (a diff's base, the editor's simulation in an extension host
 * that other extensions share) leaves the flags alone and runs as before, so no two threads
 * change them under each other and no other code in the process sees them change.
 */
import * as v8 from 'v8';
import { isMainThread } from 'worker_threads';

const offFromStart = process.execArgv.includes('--no-use-osr');

export function withoutOsr<T>(f: () => T): T {
  if (offFromStart || !isMainThread) return f();
  v8.setFlagsFromString('--no-use-osr');
  try {
    return f();
  } finally {
    v8.setFlagsFromString('--use-osr');
  }
}

/** Worker thread for workspace-diff.ts: lints and simulates the base side of a diff while the head replays on the main thread. */
import { parentPort, workerData } from 'worker_threads';
import { runSide, sideFailure } from './workspace-diff';

const { paths, cwd, scenario } = workerData as { paths: string[]; cwd: string; scenario?: string };
runSide(paths, cwd, scenario).then(
  (side) => parentPort!.postMessage(side),
  // the kind of error goes with it, so that the other thread reports it as the CLI reports its own
  (e: unknown) => parentPort!.postMessage({ error: sideFailure(e) }),
);

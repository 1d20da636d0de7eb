/** Worker thread for workspace-diff.ts: lints and simulates the base side of a diff while the head replays on the main thread. */
import { parentPort, workerData } from 'worker_threads';
import { runSide } from './workspace-diff';

const { paths, cwd, scenario } = workerData as { paths: string[]; cwd: string; scenario?: string };
runSide(paths, cwd, scenario).then(
  (side) => parentPort!.postMessage(side),
  (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
);

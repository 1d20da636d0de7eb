/**
 * Simulations off the extension host's main thread: each job (simulate, recommend, diff) runs in
 * a fresh worker thread (dist/worker.js, worker.ts), one at a time. A new job, a change to the
 * workspace (workspace-events.ts) or the progress notification's Cancel stops the one running;
 * a stopped job resolves with the error 'cancelled', never rejects.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import type { Report } from '../../engine/report/report-types';
import type { WorkspaceDiff } from '../../engine/report/workspace-diff';

/** What worker.ts posts: progress (0–1) while it runs, then the result or the error. */
export interface WorkerResult { report?: Report; headroomTarget?: number; placementYaml?: string | null; placementName?: string; error?: string; progress?: number; diff?: WorkspaceDiff }

let running: Worker | undefined;
const cancellers = new WeakMap<Worker, () => void>();

/** Runs a job in a fresh worker; a new job or the token cancels the previous one. */
export function runInWorker(ctx: vscode.ExtensionContext, job: object, token?: vscode.CancellationToken, onProgress?: (f: number) => void): Promise<WorkerResult> {
  cancelRunning();
  const w = new Worker(path.join(ctx.extensionPath, 'dist', 'worker.js'));
  running = w;
  let done = false;
  return new Promise((resolve) => {
    const finish = (r: WorkerResult) => {
      if (done) return;
      done = true;
      if (running === w) running = undefined;
      resolve(r);
      void w.terminate();
    };
    token?.onCancellationRequested(() => finish({ error: 'cancelled' }));
    cancellers.set(w, () => finish({ error: 'cancelled' }));
    w.on('message', (m: WorkerResult) => {
      if (m.progress !== undefined) return onProgress?.(m.progress);
      finish(m);
    });
    w.on('error', (e) => finish({ error: e.message }));
    w.on('exit', (code) => finish({ error: `the simulation worker stopped (exit code ${code}) before it finished` }));
    w.postMessage(job);
  });
}

/** Stops the job running, if any (it resolves as cancelled). */
export function cancelRunning(): void {
  if (running) cancellers.get(running)?.();
}

/** A job run in a cancellable progress notification that shows the worker's percentage. */
export function runWithProgress(ctx: vscode.ExtensionContext, title: string, job: object): Thenable<WorkerResult> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    let last = 0;
    return runInWorker(ctx, job, token, (f) => {
      const pct = Math.round(f * 100);
      if (pct > last) {
        progress.report({ increment: pct - last });
        last = pct;
      }
    });
  });
}

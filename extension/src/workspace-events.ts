/**
 * How the session follows the workspace: an edit re-lints after the debounce, cancels the
 * simulation running and drops the last simulation's diagnostics; a save simulates
 * (save-simulation.ts); files created, changed or deleted outside the editor (git checkout,
 * generators) are read again through a file watcher. Each change that alters headroom YAML
 * marks the current result out of date.
 */
import * as vscode from 'vscode';
import { simulateOnSave } from './save-simulation';
import type { Session } from './session';
import { cancelRunning } from './worker-runner';

export function followWorkspace(session: Session): vscode.Disposable[] {
  const { ws } = session;
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
  const reloaded = (changed: boolean) => {
    session.reloads++;
    if (changed) {
      session.markStale();
      session.schedule();
    }
  };
  return [
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return; // dirty-state changes only
      const was = ws.has(e.document.uri.fsPath);
      if (ws.update(e.document) || was) {
        cancelRunning(); // a stale simulation is cancelled when the file changes again
        session.simDiagnostics = [];
        session.markStale();
        session.schedule();
      }
    }),
    vscode.workspace.onDidOpenTextDocument((d) => ws.update(d) && session.schedule()),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (ws.has(d.uri.fsPath)) void simulateOnSave(session);
    }),
    vscode.workspace.onDidDeleteFiles((e) => {
      for (const f of e.files) ws.remove(f.fsPath);
      session.schedule();
    }),
    watcher,
    watcher.onDidCreate((u) => void ws.reload(u).then(reloaded)),
    watcher.onDidChange((u) => void ws.reload(u).then(reloaded)),
    watcher.onDidDelete((u) => {
      ws.remove(u.fsPath);
      session.schedule();
    }),
  ];
}

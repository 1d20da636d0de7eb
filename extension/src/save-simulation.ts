/**
 * What a save runs (headroom.simulateOnSave, in a trusted workspace without lint errors): the
 * scenario the open report shows (else the default one) simulated with recommendations in a
 * worker, its simulation-backed diagnostics (simulation-diagnostics.ts) published beside the
 * lint's, and its result made current; then, in a git workspace, the working tree compared with
 * HEAD (headroom.compareWithHeadOnSave) for the lens over the Placement. A change to the file
 * while either runs cancels it (workspace-events.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { simulationDiagnostics } from '../../engine/report/simulation-diagnostics';
import { ReportPanel } from './report-panel';
import type { Session } from './session';
import { runInWorker } from './worker-runner';

export async function simulateOnSave(session: Session): Promise<void> {
  const { ws, ctx, out } = session;
  if (!vscode.workspace.isTrusted || !session.cfg().get<boolean>('simulateOnSave', true) || ws.size === 0) return;
  const a = ws.analyze();
  if (a.diagnostics.some((d) => d.severity === 'error')) return;
  // the scenario the open report shows is kept; otherwise the default one
  const r = await runInWorker(ctx, { kind: 'recommend', scenario: ReportPanel.scenario ?? session.lastReport?.report.scenario, ...ws.snapshot() });
  if (!r.report) {
    if (r.error && r.error !== 'cancelled') out.warn(`simulation after save: ${r.error}`);
    return;
  }
  session.simDiagnostics = simulationDiagnostics(a, r.report, { expensiveThreshold: session.cfg().get<number>('expensivePlacementThreshold', 0.05) });
  session.publish(a.diagnostics);
  session.showResult(r, 'after save');
  // then the change against the last commit, for the lens over the Placement (git workspaces only)
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder && session.cfg().get<boolean>('compareWithHeadOnSave', true) && fs.existsSync(path.join(folder, '.git'))) {
    const d = await runInWorker(ctx, { kind: 'diff', folder, scenario: r.report.scenario, ...ws.snapshot() });
    if (d.diff) session.noteAgainstHead(d);
    else if (d.error && d.error !== 'cancelled') out.warn(`comparison with HEAD: ${d.error}`);
  }
}

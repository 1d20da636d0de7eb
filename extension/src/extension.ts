/**
 * The Headroom VS Code extension: thin glue over engine/. Diagnostics as you type (debounced,
 * whole workspace, same rule ids and ranges as `headroom lint`), simulation-backed diagnostics
 * after a save (in a worker thread, cancelled when the file changes again), quick fixes, hovers,
 * completion, code lenses, commands with progress and cancellation, a status-bar item, an
 * output channel, and the report webview. This module wires them up:
 * - session.ts: the diagnostics, the current result and what shows it (status bar, lenses, log, report);
 * - workspace-events.ts and save-simulation.ts: edits, saves and files changed on disk;
 * - providers.ts: quick fixes, hovers, completion and code lenses;
 * - commands/: simulate, report, export, compare with HEAD, recommend, and the three imports;
 * - worker-runner.ts: the worker thread every simulation runs in.
 */
import * as vscode from 'vscode';
import { Workspace } from './analysis';
import { Completions, Hovers, QuickFixes } from './providers';
import { ReportMessage, ReportPanel, VIEW_TYPE } from './report-panel';
import { Session, SessionState } from './session';
import { followWorkspace } from './workspace-events';
import { cancelRunning } from './worker-runner';
import { reportCommands } from './commands/report-commands';
import { importOpenStackCommand } from './commands/import-openstack';
import { importPlacementCommand } from './commands/import-placement';
import { importPrometheusCommand } from './commands/import-prometheus';

/** What the extension exposes (its tests read `state`). */
export interface HeadroomApi { workspace: Workspace; state(): SessionState }

export async function activate(ctx: vscode.ExtensionContext): Promise<HeadroomApi> {
  const ws = new Workspace();
  const session = new Session(ctx, ws);
  await ws.scan();
  if (ws.size === 0) session.out.info('No headroom.dev/v1 documents in this workspace yet.');
  ReportPanel.onRerun = (scenario) => void vscode.commands.executeCommand('headroom.openReport', scenario);
  session.relint();
  const yaml = { language: 'yaml' };
  ctx.subscriptions.push(
    ...followWorkspace(session),
    vscode.languages.registerCodeActionsProvider(yaml, new QuickFixes(), { providedCodeActionKinds: QuickFixes.kinds }),
    vscode.languages.registerHoverProvider(yaml, new Hovers(ws)),
    vscode.languages.registerCompletionItemProvider(yaml, new Completions(ws), ':', ' '),
    vscode.languages.registerCodeLensProvider(yaml, session.lenses),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => ReportPanel.restore(panel, ctx.extensionUri, state as ReportMessage | undefined),
    }),
    ...reportCommands(session),
    importOpenStackCommand(session),
    importPlacementCommand(session),
    importPrometheusCommand(session),
  );
  return { workspace: ws, state: () => session.state() };
}

export function deactivate(): void {
  cancelRunning();
}

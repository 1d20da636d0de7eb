/**
 * The commands that simulate and show: Simulate Scenario, Open Report, Export Report, Compare
 * with HEAD and Show Recommendations. Each runs its job in a worker with a cancellable progress
 * notification (worker-runner.ts) and makes its result the session's current one; Open and Export
 * re-run a result that is out of date first, so they never show one as current.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { reportJson, toCsv, toHtml, toMarkdown } from '../../../engine/report/report-export';
import type { Report } from '../../../engine/report/report-types';
import { ReportMessage, ReportPanel } from '../report-panel';
import type { Session } from '../session';
import { runWithProgress } from '../worker-runner';
import { pickScenario, requireTrust } from './prompts';

/** The report in the format its file name says: Markdown, CSV, JSON, else the standalone HTML report. */
function exported(file: string, m: ReportMessage): string {
  const ext = path.extname(file).toLowerCase();
  return ext === '.md' ? toMarkdown(m.report) : ext === '.csv' ? toCsv(m.report) : ext === '.json' ? reportJson(m.report) : toHtml(m.report, { headroomTarget: m.headroomTarget });
}

export function reportCommands(session: Session): vscode.Disposable[] {
  const { ctx, ws, out } = session;

  const simulate = async (given?: string): Promise<Report | undefined> => {
    if (!requireTrust()) return undefined;
    const scenario = await pickScenario(ws, given);
    if (scenario === null) return undefined;
    const r = await runWithProgress(ctx, `Headroom: simulating ${scenario ?? 'the default week'}`, { kind: 'simulate', scenario, ...ws.snapshot() });
    if (r.error === 'cancelled') return undefined;
    // Thrown, so VS Code shows it and programmatic callers get the reason.
    if (r.error || !r.report) throw new Error(`Headroom: ${r.error ?? 'no report'}`);
    session.showResult(r, 'simulate');
    return r.report;
  };

  const openReport = async (given?: string): Promise<void> => {
    if (!requireTrust()) return;
    // a result from before the last change is re-run first (the same scenario), never shown as current
    const want = given ?? session.lastReport?.report.scenario;
    if (!session.lastReport || session.stale || (given && session.lastReport.report.scenario !== given)) await vscode.commands.executeCommand('headroom.simulate', want);
    if (session.lastReport) ReportPanel.show(ctx.extensionUri, session.lastReport);
  };

  const exportReport = async (target?: vscode.Uri): Promise<void> => {
    if (!requireTrust()) return;
    if (!session.lastReport || session.stale) await vscode.commands.executeCommand('headroom.simulate', session.lastReport?.report.scenario);
    const last = session.lastReport;
    if (!last) return;
    const uri = target ?? (await vscode.window.showSaveDialog({ title: 'Export the capacity-review report', saveLabel: 'Export', filters: { 'HTML report': ['html'], Markdown: ['md'], CSV: ['csv'], JSON: ['json'] }, defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('.'), `headroom-${last.report.scenario}.html`) }));
    if (!uri) return;
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(exported(uri.fsPath, last), 'utf8'));
    } catch (e) {
      void vscode.window.showErrorMessage(`Headroom: could not export to ${uri.fsPath}: ${(e as Error).message}`);
      return;
    }
    out.info(`exported ${uri.fsPath}`);
    if (!target) void vscode.window.showInformationMessage(`Headroom: exported the ${last.report.scenario} report to ${path.basename(uri.fsPath)}.`, 'Open').then((a) => a === 'Open' && vscode.env.openExternal(uri));
  };

  const compareWithHead = async () => {
    if (!requireTrust()) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) return undefined;
    const r = await runWithProgress(ctx, 'Headroom: comparing with HEAD', { kind: 'diff', folder, scenario: session.lastReport?.report.scenario, ...ws.snapshot() });
    if (r.error === 'cancelled') return undefined;
    if (r.error || !r.report) {
      void vscode.window.showErrorMessage(`Headroom: ${r.error ?? 'no comparison'}`);
      return undefined;
    }
    session.noteAgainstHead(r);
    // the working tree's report, with its comparison: the current result, so the panel, status
    // bar and lenses agree, and it goes out of date on the next change like any other
    session.showResult(r, 'compared with HEAD');
    ReportPanel.show(ctx.extensionUri, session.lastReport);
    return r.diff;
  };

  const showRecommendations = async (given?: string): Promise<Report | undefined> => {
    if (!requireTrust()) return undefined;
    const scenario = await pickScenario(ws, given);
    if (scenario === null) return undefined;
    const r = await runWithProgress(ctx, 'Headroom: optimizing placement', { kind: 'recommend', scenario, ...ws.snapshot() });
    if (r.error === 'cancelled') return undefined;
    if (r.error || !r.report) throw new Error(`Headroom: ${r.error ?? 'no report'}`);
    session.showResult(r, 'recommend');
    out.info('Recommendations:');
    for (const x of r.report.recommendations) out.info(`  [${x.kind}] ${x.message}`);
    out.show(true);
    if (r.placementYaml) {
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: `# Recommended placement for ${r.placementName}: save it into the workspace to compare or adopt\n---\n${r.placementYaml}` });
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
    }
    return r.report;
  };

  return [
    vscode.commands.registerCommand('headroom.simulate', simulate),
    vscode.commands.registerCommand('headroom.openReport', openReport),
    vscode.commands.registerCommand('headroom.exportReport', exportReport),
    vscode.commands.registerCommand('headroom.compareWithHead', compareWithHead),
    vscode.commands.registerCommand('headroom.showRecommendations', showRecommendations),
  ];
}

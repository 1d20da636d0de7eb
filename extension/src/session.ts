/**
 * The editor's session: the workspace's diagnostics (the lint's as you type, debounced, and the
 * simulation's after a save), the latest simulation result, and everything that shows it — the
 * status-bar item, the code lenses, the log channel and the report panel — kept in agreement.
 * A change to the workspace after a result marks it out of date everywhere at once (stale), so a
 * result is never shown as current for a workspace it was not computed on.
 */
import * as vscode from 'vscode';
import type { Diagnostic as EngineDiagnostic } from '../../engine/lint/diagnostics';
import { count, money as formatMoney, quantity } from '../../engine/report/money-format';
import { amountsText } from '../../engine/report/demand-units';
import { bindingText, mostCrowded } from '../../engine/report/binding-text';
import { RESOURCE_LABEL } from '../../engine/model/resource-classes';
import { Workspace } from './analysis';
import { publish as publishDiagnostics } from './diagnostics';
import { Lenses } from './providers';
import { ReportMessage, ReportPanel } from './report-panel';
import type { WorkerResult } from './worker-runner';

/** What the extension's tests read of the session (HeadroomApi.state). */
export interface SessionState { stale: boolean; scenario?: string; reportOpen: boolean; reportLoaded: boolean; reloads: number }

export class Session {
  /** A log channel: every line timestamped the same way, with its level. */
  readonly out = vscode.window.createOutputChannel('Headroom', { log: true });
  readonly lenses: Lenses;
  private readonly collection = vscode.languages.createDiagnosticCollection('headroom');
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  /** The last simulation's diagnostics (simulation-diagnostics.ts), until the workspace changes. */
  simDiagnostics: EngineDiagnostic[] = [];
  lastReport?: ReportMessage;
  /** The workspace changed after the last result: the report, export and status bar say so. */
  stale = false;
  /** Files the watcher reported that were read again (the tests wait on it). */
  reloads = 0;
  private timer?: NodeJS.Timeout;

  constructor(readonly ctx: vscode.ExtensionContext, readonly ws: Workspace) {
    this.status.command = 'headroom.openReport';
    this.lenses = new Lenses(ws);
    ctx.subscriptions.push(this.out, this.collection, this.status);
  }

  /** The extension's settings (package.json, contributes.configuration). */
  cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('headroom');
  }

  /** Lints the workspace now and publishes its diagnostics with the simulation's. */
  relint(): void {
    const a = this.ws.analyze();
    this.publish(a.diagnostics);
    this.lenses.refresh();
  }

  /** The lint's diagnostics and the last simulation's, as one set. */
  publish(lint: readonly EngineDiagnostic[]): void {
    publishDiagnostics(this.collection, [...lint, ...this.simDiagnostics]);
  }

  /** Lints after the debounce (headroom.diagnostics.debounceMs) since the last call. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.relint(), this.cfg().get<number>('diagnostics.debounceMs', 150));
  }

  /** The workspace changed: a result shown is now out of date, and the status bar and report say so. */
  markStale(): void {
    if (!this.lastReport || this.stale) return;
    this.stale = true;
    this.lastReport = { ...this.lastReport, stale: true };
    this.status.text = this.status.text.replace(/^\$\(pulse\)/, '$(warning)') + ' (out of date)';
    this.status.tooltip = 'The workspace changed after this result: click to re-run and open the report';
    ReportPanel.update(this.lastReport);
  }

  /** A simulation's report becomes the current result: status bar, lenses, log and an open report panel. */
  showResult(r: WorkerResult, label: string): void {
    if (!r.report) return;
    const rep = r.report;
    // the peak need of the most crowded site, in the resource that binds there (memory binds on OpenStack more often than vCPU)
    const crowded = mostCrowded(rep.sites);
    const peak = crowded ? bindingText(crowded.binding!, `${crowded.name} ${RESOURCE_LABEL[crowded.binding!.resource]}`, (x) => `${(x * 100).toFixed(1)} %`) : 'no capacity bound'; // as the summary's table
    const n1 = rep.failover.every((f) => f.survives) ? 'survives' : 'fails';
    const money = formatMoney(rep.totals.costPerMonth, rep.currency); // 34.61M KRW, 52.3k USD: as the summary writes it
    this.status.text = `$(pulse) Headroom ${rep.scenario}: ${money}/mo · N-1 ${n1}`;
    this.status.tooltip = `${label}: peak need ${peak}, unserved ${amountsText(rep.totals.unservedByUnit ?? {}, quantity)}; click to open the report`;
    this.status.show();
    const result = { costPerMonth: money, peak, n1, at: new Date().toISOString() };
    this.lenses.results.set(`Placement/${rep.placement}`, result);
    this.lenses.results.set(`Scenario/${rep.scenario}`, result);
    this.lenses.refresh();
    this.lastReport = { type: 'report', report: rep, headroomTarget: r.headroomTarget };
    this.stale = false;
    this.out.info(`${label}: scenario ${rep.scenario}, ${money}/month, unserved ${amountsText(rep.totals.unservedByUnit ?? {}, quantity)}, SLO-violation steps ${count(rep.totals.sloViolationSteps)}, N-1 ${n1}`);
    // an open report is updated where it is, without taking focus from the editor
    ReportPanel.update(this.lastReport);
  }

  /** The lens over the Placement: its cost change per month against HEAD and whether N-1 still holds. */
  noteAgainstHead(r: WorkerResult): void {
    const d = r.diff;
    if (!d || !r.report?.placement) return;
    const delta = d.change.totals.costPerMonth;
    const n1 = d.change.verdicts.filter((v) => v.check === 'n1');
    const lost = n1.filter((v) => v.before && !v.after);
    const n1Text = lost.length ? `N-1 now fails losing ${lost.map((v) => v.site).join(', ')}` : n1.some((v) => !v.before && v.after) ? 'N-1 now holds' : d.head.failover.every((f) => f.survives) ? 'N-1 still holds' : 'N-1 fails as at HEAD';
    this.lenses.againstHead.set(r.report.placement, `${delta >= 0 ? '+' : '-'}${formatMoney(Math.abs(delta), d.currency)}/month vs HEAD · ${n1Text}`);
    this.lenses.refresh();
  }

  state(): SessionState {
    return { stale: this.stale, scenario: this.lastReport?.report.scenario, reportOpen: ReportPanel.isOpen, reportLoaded: ReportPanel.isLoaded, reloads: this.reloads };
  }
}

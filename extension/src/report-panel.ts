/**
 * The report in a webview: strict Content-Security-Policy with a nonce from crypto, scripts and
 * styles only from the extension's dist/webview (localResourceRoots), typed messages, state kept
 * by the webview and restored after a window reload by the serializer.
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { Report } from '../../engine/report/report-types';

export const VIEW_TYPE = 'headroom.report';
export interface ReportMessage { type: 'report'; report: Report; headroomTarget?: number; stale?: boolean }
/** Messages from the webview: ready to draw, or re-run the (stale) report's scenario. */
export type FromWebview = { type: 'ready' } | { type: 'rerun' };

export function reportHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const base = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const js = webview.asWebviewUri(vscode.Uri.joinPath(base, 'report.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(base, 'style.css'));
  const csp = `default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="${css}"><title>Headroom report</title></head><body><div id="app"><p>Run “Headroom: Simulate Scenario” to fill this report.</p></div><script nonce="${nonce}" src="${js}"></script></body></html>`;
}

export class ReportPanel {
  private static current?: ReportPanel;
  private last?: ReportMessage;
  /** The webview's script has loaded and said so (its first 'ready' message). */
  private loaded = false;

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
    panel.webview.html = reportHtml(panel.webview, extensionUri);
    panel.onDidDispose(() => {
      if (ReportPanel.current === this) ReportPanel.current = undefined;
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'icon.png');
    panel.webview.onDidReceiveMessage((m: FromWebview) => {
      if (m?.type === 'ready') this.loaded = true;
      if (m?.type === 'ready' && this.last) void panel.webview.postMessage(this.last);
      if (m?.type === 'rerun') ReportPanel.onRerun?.(this.last?.report.scenario);
    });
  }

  /** Called when the panel's "Re-run" button is pressed (set by the extension). */
  static onRerun?: (scenario: string | undefined) => void;

  /**
   * Opens the panel beside the editor or brings it forward: only when the user asked for the
   * report. The focus stays where it was (as Markdown's preview to the side does), so typing goes
   * on in the YAML while the report shows its result; the webview never asks for focus as it loads.
   */
  static show(extensionUri: vscode.Uri, message?: ReportMessage): ReportPanel {
    if (!ReportPanel.current) {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Headroom report', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] });
      ReportPanel.current = new ReportPanel(panel, extensionUri);
    } else ReportPanel.current.panel.reveal(ReportPanel.current.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    if (message) ReportPanel.current.post(message);
    return ReportPanel.current;
  }

  /** Updates an open panel in place, without revealing it or taking focus (after a save). */
  static update(message: ReportMessage): void {
    ReportPanel.current?.post(message);
  }

  /** The scenario the open panel shows, if any. */
  static get scenario(): string | undefined {
    return ReportPanel.current?.last?.report.scenario;
  }

  static restore(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: ReportMessage | undefined): void {
    ReportPanel.current = new ReportPanel(panel, extensionUri);
    if (state?.report) ReportPanel.current.last = state;
  }

  static get isOpen(): boolean {
    return !!ReportPanel.current;
  }

  /** Whether the open panel's webview has finished loading (its script said 'ready'). */
  static get isLoaded(): boolean {
    return !!ReportPanel.current?.loaded;
  }

  post(message: ReportMessage): void {
    this.last = message;
    void this.panel.webview.postMessage(message);
  }
}

/**
 * What the commands share when they ask or refuse: the workspace-trust gate, the scenario pick,
 * the site-name and URL checks of the import prompts (checked as typed), and how an import fails
 * (logged, and shown in a notification, never a modal dialog).
 */
import * as vscode from 'vscode';
import { checkSiteName } from '../../../engine/capacity/openstack-import';
import type { Workspace } from '../analysis';

/** True in a trusted workspace; else says why nothing runs. */
export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('Headroom simulates, reports and imports only in a trusted workspace.');
  return false;
}

/** The scenario given, the only one, or the one picked; null when the pick is dismissed. */
export async function pickScenario(ws: Workspace, given?: string): Promise<string | undefined | null> {
  if (given) return given;
  const names = [...ws.analysis.model.scenarios.keys()];
  if (names.length <= 1) return names[0];
  const p = await vscode.window.showQuickPick(names, { placeHolder: 'Scenario to simulate' });
  return p ?? null;
}

/** An import's failure: logged under `what` and shown in a notification; returns undefined (the command's result). */
export function importFailure(out: vscode.LogOutputChannel, what: string): (message: string) => undefined {
  return (message) => {
    out.warn(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`Headroom: ${message}`);
    return undefined;
  };
}

function siteNameProblem(v: string): string | undefined {
  try {
    checkSiteName(v);
    return undefined;
  } catch {
    return 'lower-case letters, digits, "-" and "."';
  }
}

/** The name of a site to import, checked as typed. */
export function askSiteName(): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title: 'Name of the imported site', prompt: 'Name of the site', value: 'openstack', validateInput: siteNameProblem });
}

/** An input box's check of an http(s) URL. */
export function httpUrlProblem(v: string): string | undefined {
  return /^https?:\/\/[^/\s]+/.test(v) ? undefined : 'an http:// or https:// URL';
}

/** A JSON file picked in an open dialog. */
export async function pickJsonFile(title: string): Promise<vscode.Uri | undefined> {
  return (await vscode.window.showOpenDialog({ title, openLabel: 'Use this file', canSelectMany: false, filters: { JSON: ['json'] } }))?.[0];
}

/** An imported site's YAML opened in a new editor, its notes logged, and a summary shown (with the log a click away when there are notes). */
export async function showImported(out: vscode.LogOutputChannel, what: string, r: { yaml: string; notes: string[] }, summary: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: r.yaml });
  await vscode.window.showTextDocument(doc);
  for (const n of r.notes) out.info(`${what}: ${n}`);
  out.info(summary);
  void vscode.window.showInformationMessage(`Headroom: ${summary}. Save the new document into the workspace to use it.`, ...(r.notes.length ? ['Show details'] : [])).then((a) => a && out.show(true));
}

/**
 * Engine diagnostics as VS Code diagnostics: same rule ids (as `code`) and ranges as
 * `headroom lint`, related information for the other document involved, and the quick fixes
 * kept beside each diagnostic for the code-action provider.
 */
import * as vscode from 'vscode';
import { Diagnostic as EngineDiagnostic, Fix } from '../../engine/lint/diagnostics';
import { toRange } from './analysis';

export const SOURCE = 'headroom';
const fixes = new WeakMap<vscode.Diagnostic, Fix[]>();

export function fixesOf(d: vscode.Diagnostic): Fix[] {
  return fixes.get(d) ?? [];
}

function severity(s: EngineDiagnostic['severity']): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

export function publish(collection: vscode.DiagnosticCollection, diagnostics: readonly EngineDiagnostic[]): void {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const d of diagnostics) {
    const v = new vscode.Diagnostic(toRange(d.range), d.message, severity(d.severity));
    v.source = SOURCE;
    v.code = d.rule;
    if (d.related?.length) v.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toRange(r.range)), r.message));
    if (d.fixes?.length) fixes.set(v, d.fixes);
    (byFile.get(d.file) ?? byFile.set(d.file, []).get(d.file)!).push(v);
  }
  collection.clear();
  for (const [file, list] of byFile) collection.set(vscode.Uri.file(file), list);
}

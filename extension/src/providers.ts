/** Quick fixes, hovers, completion and code lenses: thin translations of engine results. */
import * as vscode from 'vscode';
import { codeLensTargets, completionsAt, hoverAt } from '../../engine/report/language-service';
import { toRange, Workspace } from './analysis';
import { fixesOf, SOURCE } from './diagnostics';

export class QuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (d.source !== SOURCE) continue;
      for (const f of fixesOf(d)) {
        const a = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.edit = new vscode.WorkspaceEdit();
        for (const e of f.edits) a.edit.replace(vscode.Uri.file(e.file), toRange(e.range), e.newText);
        a.isPreferred = fixesOf(d).length === 1;
        out.push(a);
      }
    }
    return out;
  }
}

export class Hovers implements vscode.HoverProvider {
  constructor(private readonly ws: Workspace) {}
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    if (!this.ws.has(doc.uri.fsPath)) return undefined;
    const md = hoverAt(this.ws.analysis, doc.uri.fsPath, pos.line + 1, pos.character + 1);
    return md ? new vscode.Hover(new vscode.MarkdownString(md)) : undefined;
  }
}

export class Completions implements vscode.CompletionItemProvider {
  constructor(private readonly ws: Workspace) {}
  provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] {
    if (!this.ws.has(doc.uri.fsPath)) return [];
    const c = completionsAt(this.ws.analysis, doc.uri.fsPath, pos.line + 1, Math.max(1, pos.character));
    if (!c) return [];
    const kind = c.kind === 'site' ? vscode.CompletionItemKind.Module : c.kind === 'workload' ? vscode.CompletionItemKind.Class : vscode.CompletionItemKind.Value;
    return c.names.map((n) => Object.assign(new vscode.CompletionItem(n, kind), { detail: c.kind }));
  }
}

/** The last simulation's figures for the lenses; peak: the most crowded site's peak need in its binding resource ("pangyo memory 77 %"). */
export interface LastResult { costPerMonth: string; peak: string; n1: string; at: string }

export class Lenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  readonly results = new Map<string, LastResult>();
  /** Per Placement name: the change against HEAD ("+1.2M KRW/month vs HEAD · N-1 still holds"). */
  readonly againstHead = new Map<string, string>();
  constructor(private readonly ws: Workspace) {}
  refresh(): void {
    this.changed.fire();
  }
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.ws.has(doc.uri.fsPath)) return [];
    const out: vscode.CodeLens[] = [];
    for (const t of codeLensTargets(this.ws.analysis, doc.uri.fsPath)) {
      const range = new vscode.Range(t.line - 1, 0, t.line - 1, 0);
      const scenario = t.kind === 'Scenario' ? t.name : undefined;
      out.push(new vscode.CodeLens(range, { title: '▶ Simulate', command: 'headroom.simulate', arguments: [scenario] }));
      out.push(new vscode.CodeLens(range, { title: 'Open report', command: 'headroom.openReport', arguments: [scenario] }));
      const r = this.results.get(`${t.kind}/${t.name}`);
      if (r) out.push(new vscode.CodeLens(range, { title: `${r.costPerMonth}/month · peak ${r.peak} · N-1 ${r.n1}`, command: '' }));
      const vsHead = t.kind === 'Placement' ? this.againstHead.get(t.name) : undefined;
      if (vsHead) out.push(new vscode.CodeLens(range, { title: vsHead, command: 'headroom.compareWithHead', arguments: [] }));
    }
    return out;
  }
}

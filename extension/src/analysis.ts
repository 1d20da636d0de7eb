/**
 * The workspace as the editor sees it: every headroom YAML file's text, open editors' unsaved
 * text first, analysed with the engine (cross-file: editing a Site re-checks the Placements
 * that use it). Positions cross over as 1-based engine lines/columns ↔ 0-based VS Code ones.
 */
import * as vscode from 'vscode';
import { Analysis, IncrementalAnalyzer } from '../../engine/lint/lint';
import { Range as EngineRange } from '../../engine/lint/diagnostics';

export class Workspace {
  private readonly texts = new Map<string, string>();
  private readonly analyzer = new IncrementalAnalyzer();
  private last?: Analysis;

  async scan(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/{node_modules,.git}/**', 5000);
    for (const uri of files) {
      try {
        const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
        if (text.includes('headroom.dev/')) this.texts.set(uri.fsPath, text);
      } catch {
        /* unreadable files are skipped; a PATH the user names is checked by the CLI */
      }
    }
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  /**
   * Re-reads a file from disk unless an editor holds it; true when headroom YAML changed: it is
   * (or was) headroom YAML and its text is not what the workspace holds already. A save reaches
   * the file watcher too, late at times; the text it reads is the one just saved, so it is no
   * change (it had marked a fresh result after the save out of date).
   */
  async reload(uri: vscode.Uri): Promise<boolean> {
    if (vscode.workspace.textDocuments.some((d) => d.uri.fsPath === uri.fsPath && d.isDirty)) return false;
    const was = this.texts.has(uri.fsPath);
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      if (text.includes('headroom.dev/')) {
        if (this.texts.get(uri.fsPath) === text) return false;
        this.texts.set(uri.fsPath, text);
        return true;
      }
    } catch {
      /* gone again */
    }
    this.texts.delete(uri.fsPath);
    return was;
  }

  /** Records an editor's text; false when the document is not headroom YAML. */
  update(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme !== 'file' || !/\.ya?ml$/.test(doc.uri.fsPath)) return false;
    const text = doc.getText();
    if (!text.includes('headroom.dev/')) {
      return this.texts.delete(doc.uri.fsPath);
    }
    this.texts.set(doc.uri.fsPath, text);
    return true;
  }

  remove(path: string): void {
    this.texts.delete(path);
  }

  has(path: string): boolean {
    return this.texts.has(path);
  }

  get size(): number {
    return this.texts.size;
  }

  roots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  }

  analyze(): Analysis {
    this.last = this.analyzer.analyze([...this.texts].map(([abs, text]) => ({ file: abs, absFile: abs, text })), this.roots(), '');
    return this.last;
  }

  get analysis(): Analysis {
    return this.last ?? this.analyze();
  }

  /** Plain data for a worker thread. */
  snapshot(): { texts: [string, string][]; roots: string[] } {
    return { texts: [...this.texts], roots: this.roots() };
  }
}

export function toRange(r: EngineRange): vscode.Range {
  return new vscode.Range(r.start.line - 1, r.start.column - 1, r.end.line - 1, Math.max(r.end.column - 1, r.start.line === r.end.line ? r.start.column : 0));
}

/**
 * Headroom: Import Demand from Prometheus — a range query (prometheus-import.ts) into a trace
 * CSV inside the workspace, written beside its target and renamed over it, so a cancelled or
 * failed run leaves no half file. A bearer token, when the server asks for one (HTTP 401/403),
 * is kept only in VS Code's SecretStorage, per URL. The traffic line that refreshes the trace is
 * logged and a click away on the clipboard.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { importPrometheus, parseInstant, prometheusSourceLine, PrometheusError } from '../../../engine/traffic/prometheus-import';
import { parseDuration } from '../../../engine/model/units';
import type { Session } from '../session';
import { httpUrlProblem, importFailure, requireTrust } from './prompts';

/** The command's arguments (tests and other extensions); a missing one is asked for. */
export interface PrometheusImportArgs { url?: string; query?: string; start?: string; end?: string; step?: string; target?: vscode.Uri; token?: string }

const ask = (title: string, value: string, check: (v: string) => string | undefined) => vscode.window.showInputBox({ title, value, ignoreFocusOut: true, validateInput: check });

function instantProblem(v: string): string | undefined {
  try {
    parseInstant(v, 'time');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Whether a file is inside one of the workspace's folders (traces are read only from there). */
function insideWorkspace(file: string): boolean {
  return vscode.workspace.workspaceFolders?.some((f) => {
    const rel = path.relative(f.uri.fsPath, file);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  }) ?? false;
}

/** The query's fields, each given or asked for (the URL remembered); undefined when a prompt is dismissed. */
async function askQuery(ctx: vscode.ExtensionContext, g: PrometheusImportArgs): Promise<{ url: string; query: string; start: string; end: string; step: string; target: vscode.Uri } | undefined> {
  const url = g.url ?? (await ask('Prometheus URL', ctx.globalState.get<string>('headroom.prometheus.url') ?? 'http://', httpUrlProblem));
  if (!url) return undefined;
  await ctx.globalState.update('headroom.prometheus.url', url);
  const query = g.query ?? (await ask('PromQL query (one series, or sum(...))', 'sum(rate(http_requests_total[5m]))', (v) => (v.trim() ? undefined : 'a PromQL expression')));
  if (!query) return undefined;
  const start = g.start ?? (await ask('Start (RFC 3339 or Unix seconds)', new Date(Date.now() - 28 * 86400_000).toISOString().slice(0, 10) + 'T00:00:00Z', instantProblem));
  if (!start) return undefined;
  const end = g.end ?? (await ask('End (RFC 3339 or Unix seconds)', new Date().toISOString().slice(0, 10) + 'T00:00:00Z', instantProblem));
  if (!end) return undefined;
  const step = g.step ?? (await ask('Step', '5m', (v) => ((parseDuration(v) ?? 0) > 0 ? undefined : 'a duration such as 5m or 300')));
  if (!step) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = g.target ?? (await vscode.window.showSaveDialog({ title: 'Save the trace CSV in the workspace', saveLabel: 'Save trace', filters: { CSV: ['csv'] }, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'traces', 'demand.csv') } : {}) }));
  if (!target) return undefined;
  return { url, query, start, end, step, target };
}

export function importPrometheusCommand(session: Session): vscode.Disposable {
  const { ctx, out } = session;
  return vscode.commands.registerCommand('headroom.importPrometheus', async (given?: PrometheusImportArgs) => {
    if (!requireTrust()) return undefined;
    const fail = importFailure(out, 'import prometheus');
    const a = await askQuery(ctx, given ?? {});
    if (!a) return undefined;
    const { url, target } = a;
    if (!insideWorkspace(target.fsPath)) return fail(`${target.fsPath} is outside the workspace; traces are read only from inside it`);
    const key = `headroom.prometheus.token:${url}`;
    if (given?.token) await ctx.secrets.store(key, given.token);
    const abort = new AbortController();
    const q = { url, query: a.query, start: parseInstant(a.start, 'start'), end: parseInstant(a.end, 'end'), step: parseDuration(a.step)!, signal: abort.signal };
    const pull = (token: string | undefined) => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Headroom: querying ${url}`, cancellable: true }, (_p, cancel) => {
      cancel.onCancellationRequested(() => abort.abort());
      return importPrometheus(q, token ? { token } : {});
    });
    try {
      let r;
      try {
        r = await pull(await ctx.secrets.get(key));
      } catch (e) {
        if (!(e instanceof PrometheusError && /HTTP 40[13]/.test(e.message)) || given?.token) throw e;
        await ctx.secrets.delete(key);
        const token = await vscode.window.showInputBox({ title: 'Bearer token for Prometheus', prompt: 'The server asked for credentials; the token is kept in VS Code\'s secret storage', password: true, ignoreFocusOut: true });
        if (!token) return undefined;
        await ctx.secrets.store(key, token);
        r = await pull(token);
      }
      // written beside the target and renamed over it: a cancelled or failed run leaves no half file
      const tmp = `${target.fsPath}.${process.pid}.tmp`;
      fs.mkdirSync(path.dirname(target.fsPath), { recursive: true });
      fs.writeFileSync(tmp, r.csv);
      fs.renameSync(tmp, target.fsPath);
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const rel = path.relative(folder?.fsPath ?? path.dirname(target.fsPath), target.fsPath).split(path.sep).join('/');
      const source = prometheusSourceLine(rel, { url, query: a.query, start: a.start, end: a.end, step: a.step });
      for (const w of r.warnings) out.warn(`import prometheus: ${w}`);
      out.info(`import prometheus: ${r.rows} row(s) into ${rel}; ${source}`);
      void vscode.window.showInformationMessage(`Headroom: ${r.rows} row(s) into ${rel}${r.warnings.length ? ` (${r.warnings.length} warning(s))` : ''}. Keep the query with the workload so it can be refreshed.`, 'Copy traffic line').then((x) => x && vscode.env.clipboard.writeText(source));
      return { file: target.fsPath, rows: r.rows, warnings: r.warnings, source };
    } catch (e) {
      if (abort.signal.aborted) return undefined;
      return fail((e as Error).message);
    }
  });
}

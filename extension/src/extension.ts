/**
 * The Headroom VS Code extension: thin glue over engine/. Diagnostics as you type (debounced,
 * whole workspace, same rule ids and ranges as `headroom lint`), simulation-backed diagnostics
 * after a save (in a worker thread, cancelled when the file changes again), quick fixes, hovers,
 * completion, code lenses, commands with progress and cancellation, a status-bar item, an
 * output channel, and the report webview.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import type { Diagnostic as EngineDiagnostic } from '../../engine/lint/diagnostics';
import type { Report } from '../../engine/report/report-types';
import type { WorkspaceDiff } from '../../engine/report/workspace-diff';
import { count, money as formatMoney, quantity } from '../../engine/report/money-format';
import { simulationDiagnostics } from '../../engine/report/simulation-diagnostics';
import { amountsText } from '../../engine/report/demand-units';
import { bindingText, mostCrowded } from '../../engine/report/binding-text';
import { RESOURCE_LABEL } from '../../engine/model/resource-classes';
import { reportJson, toCsv, toHtml, toMarkdown } from '../../engine/report/report-export';
import { checkSiteName, importOpenStackTexts, parseInventoryJson } from '../../engine/capacity/openstack-import';
import { importPlacement, PlacementError } from '../../engine/capacity/placement-import';
import { cloudNames, placementSource } from '../../engine/capacity/keystone-auth';
import { importPrometheus, parseInstant, prometheusSourceLine, PrometheusError } from '../../engine/traffic/prometheus-import';
import { parseDuration } from '../../engine/model/units';
import { lintSiteText } from '../../engine/lint/lint';
import { Workspace } from './analysis';
import { publish } from './diagnostics';
import { Completions, Hovers, Lenses, QuickFixes } from './providers';
import { ReportMessage, ReportPanel, VIEW_TYPE } from './report-panel';

interface WorkerResult { report?: Report; headroomTarget?: number; placementYaml?: string | null; placementName?: string; error?: string; progress?: number; diff?: WorkspaceDiff }

let running: Worker | undefined;

/** Runs a job in a fresh worker; a new job or the token cancels the previous one. */
function runInWorker(ctx: vscode.ExtensionContext, job: object, token?: vscode.CancellationToken, onProgress?: (f: number) => void): Promise<WorkerResult> {
  cancelRunning();
  const w = new Worker(path.join(ctx.extensionPath, 'dist', 'worker.js'));
  running = w;
  let done = false;
  return new Promise((resolve) => {
    const finish = (r: WorkerResult) => {
      if (done) return;
      done = true;
      if (running === w) running = undefined;
      resolve(r);
      void w.terminate();
    };
    token?.onCancellationRequested(() => finish({ error: 'cancelled' }));
    cancellers.set(w, () => finish({ error: 'cancelled' }));
    w.on('message', (m: WorkerResult) => {
      if (m.progress !== undefined) return onProgress?.(m.progress);
      finish(m);
    });
    w.on('error', (e) => finish({ error: e.message }));
    w.on('exit', (code) => finish({ error: `the simulation worker stopped (exit code ${code}) before it finished` }));
    w.postMessage(job);
  });
}

const cancellers = new WeakMap<Worker, () => void>();
function cancelRunning(): void {
  if (running) cancellers.get(running)?.();
}

/** What the extension exposes (its tests read `state`). */
export interface HeadroomApi { workspace: Workspace; state(): { stale: boolean; scenario?: string; reportOpen: boolean; reportLoaded: boolean; reloads: number } }

export async function activate(ctx: vscode.ExtensionContext): Promise<HeadroomApi> {
  const ws = new Workspace();
  // a log channel: every line timestamped the same way, with its level
  const out = vscode.window.createOutputChannel('Headroom', { log: true });
  const collection = vscode.languages.createDiagnosticCollection('headroom');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.command = 'headroom.openReport';
  const lenses = new Lenses(ws);
  let simDiagnostics: EngineDiagnostic[] = [];
  let lastReport: ReportMessage | undefined;
  /** The workspace changed after the last result: the report, export and status bar say so. */
  let stale = false;
  const markStale = () => {
    if (!lastReport || stale) return;
    stale = true;
    lastReport = { ...lastReport, stale: true };
    status.text = status.text.replace(/^\$\(pulse\)/, '$(warning)') + ' (out of date)';
    status.tooltip = 'The workspace changed after this result: click to re-run and open the report';
    ReportPanel.update(lastReport);
  };
  ctx.subscriptions.push(out, collection, status);

  const relint = () => {
    const a = ws.analyze();
    publish(collection, [...a.diagnostics, ...simDiagnostics]);
    lenses.refresh();
  };
  await ws.scan();
  if (ws.size === 0) out.info('No headroom.dev/v1 documents in this workspace yet.');
  ReportPanel.onRerun = (scenario) => void vscode.commands.executeCommand('headroom.openReport', scenario);
  relint();

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(relint, vscode.workspace.getConfiguration('headroom').get<number>('diagnostics.debounceMs', 150));
  };
  const cfg = () => vscode.workspace.getConfiguration('headroom');

  const showResult = (r: WorkerResult, label: string) => {
    if (!r.report) return;
    const rep = r.report;
    // the peak need of the most crowded site, in the resource that binds there (memory binds on OpenStack more often than vCPU)
    const crowded = mostCrowded(rep.sites);
    const peak = crowded ? bindingText(crowded.binding!, `${crowded.name} ${RESOURCE_LABEL[crowded.binding!.resource]}`, (x) => `${(x * 100).toFixed(1)} %`) : 'no capacity bound'; // as the summary's table
    const n1 = rep.failover.every((f) => f.survives) ? 'survives' : 'fails';
    const money = formatMoney(rep.totals.costPerMonth, rep.currency); // 34.61M KRW, 52.3k USD: as the summary writes it
    status.text = `$(pulse) Headroom ${rep.scenario}: ${money}/mo · N-1 ${n1}`;
    status.tooltip = `${label}: peak need ${peak}, unserved ${amountsText(rep.totals.unservedByUnit ?? {}, quantity)}; click to open the report`;
    status.show();
    const result = { costPerMonth: money, peak, n1, at: new Date().toISOString() };
    lenses.results.set(`Placement/${rep.placement}`, result);
    lenses.results.set(`Scenario/${rep.scenario}`, result);
    lenses.refresh();
    lastReport = { type: 'report', report: rep, headroomTarget: r.headroomTarget };
    stale = false;
    out.info(`${label}: scenario ${rep.scenario}, ${money}/month, unserved ${amountsText(rep.totals.unservedByUnit ?? {}, quantity)}, SLO-violation steps ${count(rep.totals.sloViolationSteps)}, N-1 ${n1}`);
    // an open report is updated where it is, without taking focus from the editor
    ReportPanel.update(lastReport);
  };

  /** The lens over the Placement: its cost change per month against HEAD and whether N-1 still holds. */
  const noteAgainstHead = (r: WorkerResult) => {
    const d = r.diff;
    if (!d || !r.report?.placement) return;
    const delta = d.change.totals.costPerMonth;
    const n1 = d.change.verdicts.filter((v) => v.check === 'n1');
    const n1Text = n1.some((v) => v.before && !v.after) ? `N-1 now fails losing ${n1.filter((v) => v.before && !v.after).map((v) => v.site).join(', ')}` : n1.some((v) => !v.before && v.after) ? 'N-1 now holds' : d.head.failover.every((f) => f.survives) ? 'N-1 still holds' : 'N-1 fails as at HEAD';
    lenses.againstHead.set(r.report.placement, `${delta >= 0 ? '+' : '-'}${formatMoney(Math.abs(delta), d.currency)}/month vs HEAD · ${n1Text}`);
    lenses.refresh();
  };

  const simulateOnSave = async () => {
    if (!vscode.workspace.isTrusted || !cfg().get<boolean>('simulateOnSave', true) || ws.size === 0) return;
    const a = ws.analyze();
    if (a.diagnostics.some((d) => d.severity === 'error')) return;
    // the scenario the open report shows is kept; otherwise the default one
    const r = await runInWorker(ctx, { kind: 'recommend', scenario: ReportPanel.scenario ?? lastReport?.report.scenario, ...ws.snapshot() });
    if (!r.report) {
      if (r.error && r.error !== 'cancelled') out.warn(`simulation after save: ${r.error}`);
      return;
    }
    simDiagnostics = simulationDiagnostics(a, r.report, { expensiveThreshold: cfg().get<number>('expensivePlacementThreshold', 0.05) });
    publish(collection, [...a.diagnostics, ...simDiagnostics]);
    showResult(r, 'after save');
    // then the change against the last commit, for the lens over the Placement (git workspaces only)
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (folder && cfg().get<boolean>('compareWithHeadOnSave', true) && fs.existsSync(path.join(folder, '.git'))) {
      const d = await runInWorker(ctx, { kind: 'diff', folder, scenario: r.report.scenario, ...ws.snapshot() });
      if (d.diff) noteAgainstHead(d);
      else if (d.error && d.error !== 'cancelled') out.warn(`comparison with HEAD: ${d.error}`);
    }
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
  /** Files the watcher reported that were read again (the tests wait on it). */
  let reloads = 0;
  const reloaded = (changed: boolean) => {
    reloads++;
    if (changed) {
      markStale();
      schedule();
    }
  };
  ctx.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return; // dirty-state changes only
      const was = ws.has(e.document.uri.fsPath);
      if (ws.update(e.document) || was) {
        cancelRunning(); // a stale simulation is cancelled when the file changes again
        simDiagnostics = [];
        markStale();
        schedule();
      }
    }),
    vscode.workspace.onDidOpenTextDocument((d) => ws.update(d) && schedule()),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (ws.has(d.uri.fsPath)) void simulateOnSave();
    }),
    vscode.workspace.onDidDeleteFiles((e) => {
      for (const f of e.files) ws.remove(f.fsPath);
      schedule();
    }),
    watcher,
    // Files created or changed outside the editor (git checkout, generators) are re-read.
    watcher.onDidCreate((u) => void ws.reload(u).then(reloaded)),
    watcher.onDidChange((u) => void ws.reload(u).then(reloaded)),
    watcher.onDidDelete((u) => {
      ws.remove(u.fsPath);
      schedule();
    }),
    vscode.languages.registerCodeActionsProvider({ language: 'yaml' }, new QuickFixes(), { providedCodeActionKinds: QuickFixes.kinds }),
    vscode.languages.registerHoverProvider({ language: 'yaml' }, new Hovers(ws)),
    vscode.languages.registerCompletionItemProvider({ language: 'yaml' }, new Completions(ws), ':', ' '),
    vscode.languages.registerCodeLensProvider({ language: 'yaml' }, lenses),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => ReportPanel.restore(panel, ctx.extensionUri, state as ReportMessage | undefined),
    }),
  );

  const pickScenario = async (given?: string): Promise<string | undefined | null> => {
    if (given) return given;
    const names = [...ws.analysis.model.scenarios.keys()];
    if (names.length <= 1) return names[0];
    const p = await vscode.window.showQuickPick(names, { placeHolder: 'Scenario to simulate' });
    return p ?? null;
  };

  // the import commands: a failure is logged and shown in a notification (never a modal dialog)
  const importFailure = (what: string) => (message: string) => {
    out.warn(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`Headroom: ${message}`);
    return undefined;
  };
  const siteNameProblem = (v: string) => {
    try {
      checkSiteName(v);
      return undefined;
    } catch {
      return 'lower-case letters, digits, "-" and "."';
    }
  };
  const askSiteName = () => vscode.window.showInputBox({ title: 'Name of the imported site', prompt: 'Name of the site', value: 'openstack', validateInput: siteNameProblem });
  const httpUrlProblem = (v: string) => (/^https?:\/\/[^/\s]+/.test(v) ? undefined : 'an http:// or https:// URL');
  const withProgress = (title: string, job: object) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      let last = 0;
      return runInWorker(ctx, job, token, (f) => {
        const pct = Math.round(f * 100);
        if (pct > last) {
          progress.report({ increment: pct - last });
          last = pct;
        }
      });
    });

  const requireTrust = () => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage('Headroom simulates, reports and imports only in a trusted workspace.');
    return false;
  };

  ctx.subscriptions.push(
    vscode.commands.registerCommand('headroom.simulate', async (given?: string) => {
      if (!requireTrust()) return undefined;
      const scenario = await pickScenario(given);
      if (scenario === null) return undefined;
      const r = await withProgress(`Headroom: simulating ${scenario ?? 'the default week'}`, { kind: 'simulate', scenario, ...ws.snapshot() });
      if (r.error === 'cancelled') return undefined;
      // Thrown, so VS Code shows it and programmatic callers get the reason.
      if (r.error || !r.report) throw new Error(`Headroom: ${r.error ?? 'no report'}`);
      showResult(r, 'simulate');
      return r.report;
    }),
    vscode.commands.registerCommand('headroom.openReport', async (given?: string) => {
      if (!requireTrust()) return;
      // a result from before the last change is re-run first (the same scenario), never shown as current
      const want = given ?? lastReport?.report.scenario;
      if (!lastReport || stale || (given && lastReport.report.scenario !== given)) await vscode.commands.executeCommand('headroom.simulate', want);
      if (lastReport) ReportPanel.show(ctx.extensionUri, lastReport);
    }),
    vscode.commands.registerCommand('headroom.exportReport', async (target?: vscode.Uri) => {
      if (!requireTrust()) return;
      if (!lastReport || stale) await vscode.commands.executeCommand('headroom.simulate', lastReport?.report.scenario);
      if (!lastReport) return;
      const uri = target ?? (await vscode.window.showSaveDialog({ title: 'Export the capacity-review report', saveLabel: 'Export', filters: { 'HTML report': ['html'], Markdown: ['md'], CSV: ['csv'], JSON: ['json'] }, defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('.'), `headroom-${lastReport.report.scenario}.html`) }));
      if (!uri) return;
      const ext = path.extname(uri.fsPath).toLowerCase();
      const text = ext === '.md' ? toMarkdown(lastReport.report) : ext === '.csv' ? toCsv(lastReport.report) : ext === '.json' ? reportJson(lastReport.report) : toHtml(lastReport.report, { headroomTarget: lastReport.headroomTarget });
      try {
        await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
      } catch (e) {
        void vscode.window.showErrorMessage(`Headroom: could not export to ${uri.fsPath}: ${(e as Error).message}`);
        return;
      }
      out.info(`exported ${uri.fsPath}`);
      if (!target) void vscode.window.showInformationMessage(`Headroom: exported the ${lastReport.report.scenario} report to ${path.basename(uri.fsPath)}.`, 'Open').then((a) => a === 'Open' && vscode.env.openExternal(uri));
    }),
    vscode.commands.registerCommand('headroom.importOpenStack', async (hypervisors?: vscode.Uri, flavors?: vscode.Uri, name?: string) => {
      if (!requireTrust()) return undefined;
      const pick = async (title: string) => (await vscode.window.showOpenDialog({ title, openLabel: 'Use this file', canSelectMany: false, filters: { JSON: ['json'] } }))?.[0];
      // each file is read and checked as soon as it is chosen: a bad one fails at its own prompt,
      // with the reason, in a notification (not a modal dialog)
      const fail = importFailure('import');
      const read = async (u: vscode.Uri, key: 'hypervisors' | 'flavors') => {
        const file = path.basename(u.fsPath);
        let text: string;
        try {
          text = Buffer.from(await vscode.workspace.fs.readFile(u)).toString('utf8');
        } catch (e) {
          throw new Error(`${file} cannot be read (${(e as Error).message})`);
        }
        const json = parseInventoryJson(text, file);
        if (!Array.isArray(json) && !(json && typeof json === 'object' && Array.isArray((json as Record<string, unknown>)[key]))) throw new Error(`${file} is not ${key === 'hypervisors' ? 'a hypervisor list' : 'a flavor list'} (a JSON list from \`openstack ${key === 'hypervisors' ? 'hypervisor' : 'flavor'} list --long -f json\`, or an object with "${key}")`);
        return { file, text };
      };
      let hyp: { file: string; text: string };
      let fla: { file: string; text: string };
      try {
        const h = hypervisors ?? (await pick('Choose the hypervisor list (openstack hypervisor list --long -f json)'));
        if (!h) return undefined;
        hyp = await read(h, 'hypervisors');
        const f = flavors ?? (await pick('Choose the flavor list (openstack flavor list --long -f json)'));
        if (!f) return undefined;
        fla = await read(f, 'flavors');
      } catch (e) {
        return fail((e as Error).message);
      }
      const siteName = name ?? (await askSiteName());
      if (!siteName) return undefined;
      try {
        const r = importOpenStackTexts(hyp, fla, { name: siteName, check: lintSiteText });
        const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: r.yaml });
        await vscode.window.showTextDocument(doc);
        for (const n of r.notes) out.info(`import: ${n}`);
        const summary = `imported ${r.hosts} host(s) in ${r.aggregates} aggregate(s) as site ${siteName}${r.skipped ? `; ${r.skipped} not up and left out` : ''}`;
        out.info(summary);
        void vscode.window.showInformationMessage(`Headroom: ${summary}. Save the new document into the workspace to use it.`, ...(r.notes.length ? ['Show details'] : [])).then((a) => a && out.show(true));
        return r.yaml;
      } catch (e) {
        return fail((e as Error).message);
      }
    }),
    // Import from Placement, signed in with a Keystone token (the URL is remembered, the token
    // lives only in SecretStorage per URL, and one Placement refuses is forgotten) or with a cloud
    // of clouds.yaml (Keystone password or application credential; Placement from the catalog)
    vscode.commands.registerCommand('headroom.importPlacement', async (givenUrl?: string, flavors?: vscode.Uri, name?: string, givenToken?: string, givenCloud?: string) => {
      if (!requireTrust()) return undefined;
      const fail = importFailure('import placement');
      const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
      let cloud = givenCloud;
      if (!cloud && !givenUrl) {
        const clouds = cloudNames(process.env, cwd);
        if (clouds.length) {
          const pick = await vscode.window.showQuickPick([{ label: 'Keystone token…', description: 'a token and the Placement URL', cloud: undefined as string | undefined }, ...clouds.map((c) => ({ label: c, description: 'a cloud of clouds.yaml', cloud: c as string | undefined }))], { title: 'Sign in to OpenStack', placeHolder: 'a cloud of clouds.yaml signs in with Keystone and finds Placement in its catalog' });
          if (!pick) return undefined;
          cloud = pick.cloud;
        }
      }
      let url = givenUrl;
      let key: string | undefined;
      let token: string | undefined;
      if (!cloud) {
        url ??= await vscode.window.showInputBox({ title: 'Placement API endpoint', prompt: 'The Placement endpoint (openstack endpoint list --service placement)', value: ctx.globalState.get<string>('headroom.placement.url') ?? 'https://', validateInput: httpUrlProblem });
        if (!url) return undefined;
        await ctx.globalState.update('headroom.placement.url', url);
        key = `headroom.placement.token:${url}`;
        if (givenToken) await ctx.secrets.store(key, givenToken);
        token = await ctx.secrets.get(key);
        if (!token) {
          token = await vscode.window.showInputBox({ title: 'Keystone token for Placement', prompt: 'A token that may read resource providers (openstack token issue -f value -c id); kept in VS Code\'s secret storage', password: true, ignoreFocusOut: true });
          if (!token) return undefined;
          await ctx.secrets.store(key, token);
        }
      }
      const f = flavors ?? (await vscode.window.showOpenDialog({ title: 'Choose the flavor list (openstack flavor list --long -f json)', openLabel: 'Use this file', canSelectMany: false, filters: { JSON: ['json'] } }))?.[0];
      if (!f) return undefined;
      let fla: { file: string; text: string };
      try {
        fla = { file: path.basename(f.fsPath), text: Buffer.from(await vscode.workspace.fs.readFile(f)).toString('utf8') };
      } catch (e) {
        return fail(`${path.basename(f.fsPath)} cannot be read (${(e as Error).message})`);
      }
      const siteName = name ?? (await askSiteName());
      if (!siteName) return undefined;
      const abort = new AbortController();
      try {
        const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Headroom: reading ${cloud ? `cloud ${cloud}` : url}`, cancellable: true }, async (_p, cancel) => {
          cancel.onCancellationRequested(() => abort.abort());
          const src = cloud ? await placementSource({ cloud }, process.env, cwd, abort.signal) : { url: url!, token: token!, signal: abort.signal };
          if (!src) throw new PlacementError(`no Keystone credentials for cloud ${cloud}`);
          return importPlacement(src, fla, { name: siteName, check: lintSiteText });
        });
        const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: r.yaml });
        await vscode.window.showTextDocument(doc);
        for (const n of r.notes) out.info(`import placement: ${n}`);
        const summary = `imported ${r.hosts} compute node(s) in ${r.aggregates} aggregate(s) from Placement as site ${siteName} (${r.requests} requests)`;
        out.info(summary);
        void vscode.window.showInformationMessage(`Headroom: ${summary}. Save the new document into the workspace to use it.`, ...(r.notes.length ? ['Show details'] : [])).then((a) => a && out.show(true));
        return r.yaml;
      } catch (e) {
        if (abort.signal.aborted) return undefined;
        if (key && e instanceof PlacementError && /HTTP 401/.test(e.message)) await ctx.secrets.delete(key);
        return fail((e as Error).message);
      }
    }),
    // Import demand from Prometheus: a range query into a trace CSV inside the workspace; a bearer
    // token, when the server asks for one (HTTP 401/403), is kept only in SecretStorage per URL
    vscode.commands.registerCommand('headroom.importPrometheus', async (given?: { url?: string; query?: string; start?: string; end?: string; step?: string; target?: vscode.Uri; token?: string }) => {
      if (!requireTrust()) return undefined;
      const g = given ?? {};
      const fail = importFailure('import prometheus');
      const ask = (title: string, value: string, check: (v: string) => string | undefined) => vscode.window.showInputBox({ title, value, ignoreFocusOut: true, validateInput: check });
      const instant = (v: string) => {
        try {
          parseInstant(v, 'time');
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      };
      const url = g.url ?? (await ask('Prometheus URL', ctx.globalState.get<string>('headroom.prometheus.url') ?? 'http://', httpUrlProblem));
      if (!url) return undefined;
      await ctx.globalState.update('headroom.prometheus.url', url);
      const query = g.query ?? (await ask('PromQL query (one series, or sum(...))', 'sum(rate(http_requests_total[5m]))', (v) => (v.trim() ? undefined : 'a PromQL expression')));
      if (!query) return undefined;
      const start = g.start ?? (await ask('Start (RFC 3339 or Unix seconds)', new Date(Date.now() - 28 * 86400_000).toISOString().slice(0, 10) + 'T00:00:00Z', instant));
      if (!start) return undefined;
      const end = g.end ?? (await ask('End (RFC 3339 or Unix seconds)', new Date().toISOString().slice(0, 10) + 'T00:00:00Z', instant));
      if (!end) return undefined;
      const stepText = g.step ?? (await ask('Step', '5m', (v) => ((parseDuration(v) ?? 0) > 0 ? undefined : 'a duration such as 5m or 300')));
      if (!stepText) return undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = g.target ?? (await vscode.window.showSaveDialog({ title: 'Save the trace CSV in the workspace', saveLabel: 'Save trace', filters: { CSV: ['csv'] }, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'traces', 'demand.csv') } : {}) }));
      if (!target) return undefined;
      const inside = vscode.workspace.workspaceFolders?.some((f) => {
        const rel = path.relative(f.uri.fsPath, target.fsPath);
        return !rel.startsWith('..') && !path.isAbsolute(rel);
      });
      if (!inside) return fail(`${target.fsPath} is outside the workspace; traces are read only from inside it`);
      const key = `headroom.prometheus.token:${url}`;
      if (g.token) await ctx.secrets.store(key, g.token);
      const abort = new AbortController();
      const q = { url, query, start: parseInstant(start, 'start'), end: parseInstant(end, 'end'), step: parseDuration(stepText)!, signal: abort.signal };
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
        const rel = path.relative(folder?.fsPath ?? path.dirname(target.fsPath), target.fsPath).split(path.sep).join('/');
        const source = prometheusSourceLine(rel, { url, query, start, end, step: stepText });
        for (const w of r.warnings) out.warn(`import prometheus: ${w}`);
        out.info(`import prometheus: ${r.rows} row(s) into ${rel}; ${source}`);
        void vscode.window.showInformationMessage(`Headroom: ${r.rows} row(s) into ${rel}${r.warnings.length ? ` (${r.warnings.length} warning(s))` : ''}. Keep the query with the workload so it can be refreshed.`, 'Copy traffic line').then((a) => a && vscode.env.clipboard.writeText(source));
        return { file: target.fsPath, rows: r.rows, warnings: r.warnings, source };
      } catch (e) {
        if (abort.signal.aborted) return undefined;
        return fail((e as Error).message);
      }
    }),
    vscode.commands.registerCommand('headroom.compareWithHead', async () => {
      if (!requireTrust()) return undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!folder) return undefined;
      const r = await withProgress('Headroom: comparing with HEAD', { kind: 'diff', folder, scenario: lastReport?.report.scenario, ...ws.snapshot() });
      if (r.error === 'cancelled') return undefined;
      if (r.error || !r.report) {
        void vscode.window.showErrorMessage(`Headroom: ${r.error ?? 'no comparison'}`);
        return undefined;
      }
      noteAgainstHead(r);
      // the working tree's report, with its comparison: the current result, so the panel, status
      // bar and lenses agree, and it goes out of date on the next change like any other
      showResult(r, 'compared with HEAD');
      ReportPanel.show(ctx.extensionUri, lastReport);
      return r.diff;
    }),
    vscode.commands.registerCommand('headroom.showRecommendations', async (given?: string) => {
      if (!requireTrust()) return undefined;
      const scenario = await pickScenario(given);
      if (scenario === null) return undefined;
      const r = await withProgress('Headroom: optimizing placement', { kind: 'recommend', scenario, ...ws.snapshot() });
      if (r.error === 'cancelled') return undefined;
      if (r.error || !r.report) throw new Error(`Headroom: ${r.error ?? 'no report'}`);
      showResult(r, 'recommend');
      out.info('Recommendations:');
      for (const x of r.report.recommendations) out.info(`  [${x.kind}] ${x.message}`);
      out.show(true);
      if (r.placementYaml) {
        const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: `# Recommended placement for ${r.placementName}: save it into the workspace to compare or adopt\n---\n${r.placementYaml}` });
        await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
      }
      return r.report;
    }),
  );
  return { workspace: ws, state: () => ({ stale, scenario: lastReport?.report.scenario, reportOpen: ReportPanel.isOpen, reportLoaded: ReportPanel.isLoaded, reloads }) };
}

export function deactivate(): void {
  cancelRunning();
}

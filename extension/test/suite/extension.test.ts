/**
 * The extension in a real VS Code: diagnostics with their codes and ranges, following edits,
 * quick fixes applied through the real code-action API, hovers, completion, code lenses and the
 * commands. The workspace is a copy of fixtures/toss-hybrid.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
const file = (rel: string) => vscode.Uri.file(path.join(root(), rel));

/** Resolves when diagnostics of `uri` satisfy `pred` (event-driven, no sleeps). */
function diagnosticsWhere(uri: vscode.Uri, pred: (d: readonly vscode.Diagnostic[]) => boolean, ms = 30000): Promise<readonly vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (pred(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out; diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.code))}`)); }, ms);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.fsPath === uri.fsPath)) return;
      const d = vscode.languages.getDiagnostics(uri);
      if (pred(d)) { clearTimeout(timer); sub.dispose(); resolve(d); }
    });
  });
}

async function activated(): Promise<void> {
  const ext = vscode.extensions.getExtension('headroom.headroom-vscode')!;
  assert.ok(ext, 'extension installed');
  await ext.activate();
}

describe('Headroom in VS Code', () => {
  before(activated);

  it('reports diagnostics with rule ids and ranges, and follows an edit', async () => {
    const uri = file('placement.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('payments-api:'));
    const col = doc.lineAt(line).text.indexOf('70');
    await editor.edit((e) => e.replace(new vscode.Range(line, col, line, col + 2), '60'));
    const ds = await diagnosticsWhere(uri, (d) => d.some((x) => x.code === 'shares-sum'));
    const d = ds.find((x) => x.code === 'shares-sum')!;
    assert.equal(d.message, 'shares of payments-api sum to 90, not 100');
    assert.equal(d.range.start.line, line);
    assert.equal(d.range.start.character, doc.lineAt(line).text.indexOf('shares'));
    assert.equal(d.source, 'headroom');
    // the quick fix scales the shares to 100: 60/90 → 67, 30/90 → 33
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    const fix = actions.find((a) => a.title === 'Scale shares to 100')!;
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.workspace.applyEdit(fix.edit!);
    assert.match(doc.lineAt(line).text, /pangyo: 67, aws-seoul: 33/);
    await diagnosticsWhere(uri, (x) => !x.some((y) => y.code === 'shares-sum'));
  });

  it('replaces an unknown name with the nearest match', async () => {
    const uri = file('placement.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('core-ledger:'));
    const col = doc.lineAt(line).text.indexOf('pangyo');
    await editor.edit((e) => e.replace(new vscode.Range(line, col, line, col + 6), 'pangyoo'));
    const d = (await diagnosticsWhere(uri, (x) => x.some((y) => y.code === 'unknown-reference'))).find((y) => y.code === 'unknown-reference')!;
    assert.equal(d.range.start.character, col);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    await vscode.workspace.applyEdit(actions.find((a) => a.title === 'Change to "pangyo"')!.edit!);
    assert.ok(doc.lineAt(line).text.includes('{ pangyo: 100 }'));
    await diagnosticsWhere(uri, (x) => !x.some((y) => y.code === 'unknown-reference'));
  });

  it('after a save, offers the recommended placement as a quick fix and applies it', async () => {
    const uri = file('placement.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const cfg = vscode.workspace.getConfiguration('headroom');
    await cfg.update('simulateOnSave', true, vscode.ConfigurationTarget.Global); // off in the test profile
    const saved = diagnosticsWhere(uri, (x) => x.some((y) => y.code === 'placement-cost'), 100000);
    await doc.save(); // the simulation on save runs the recommender in the worker
    const d = (await saved).find((y) => y.code === 'placement-cost')!;
    await cfg.update('simulateOnSave', false, vscode.ConfigurationTarget.Global);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    const apply = actions.find((a) => a.title.startsWith('Apply the recommended placement'));
    assert.ok(apply, `actions: ${actions.map((a) => a.title).join(', ')}`);
    const before = doc.getText();
    await vscode.workspace.applyEdit(apply.edit!);
    assert.notEqual(doc.getText(), before);
    // payments-api was 67/33 after the first test; the recommendation moves it (to 90/10 on the fixtures)
    assert.match(doc.lineAt(doc.getText().split('\n').findIndex((l) => l.includes('payments-api:'))).text, /\{ shares: \{ pangyo: \d+, aws-seoul: \d+ \} \}/);
    assert.doesNotMatch(doc.getText(), /pangyo: 67, aws-seoul: 33/);
    // the applied placement is valid, and the cost note goes with the edit
    await diagnosticsWhere(uri, (x) => x.length === 0);
    await doc.save();
  });

  it('hovers a site with its capacity, completes site names, shows code lenses', async () => {
    const uri = file('placement.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('payments-api:'));
    const col = doc.lineAt(line).text.indexOf('pangyo');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, col + 1));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /Schedulable: 2,880 vCPU/);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, col + 1));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    // payments-api's shares already name aws-seoul: only the site being typed there (pangyo) is offered
    assert.deepEqual(labels, ['pangyo']);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.ok(lenses.some((l) => l.command?.title === '▶ Simulate'));
  });

  it('runs the commands: simulate, open report, export report', async () => {
    assert.ok(vscode.workspace.isTrusted, 'the test workspace is trusted');
    const report = await vscode.commands.executeCommand<{ scenario: string; totals: { cost: number } }>('headroom.simulate', 'aws-outage-at-peak');
    assert.equal(report.scenario, 'aws-outage-at-peak');
    assert.ok(report.totals.cost > 0);
    // the result's lens over the Placement names the most crowded site's binding resource (pangyo's memory), not vCPU
    const lensed = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file('placement.yaml'));
    assert.ok(lensed.some((l) => /^[\d.]+[kMB]? KRW\/month · peak pangyo memory \d+\.\d % · N-1 (fails|survives)$/.test(l.command?.title ?? '')), lensed.map((l) => l.command?.title).join(' | '));
    await vscode.commands.executeCommand('headroom.openReport');
    const out = path.join(root(), 'exported-report.md');
    await vscode.commands.executeCommand('headroom.exportReport', vscode.Uri.file(out));
    assert.match(fs.readFileSync(out, 'utf8'), /^# Capacity review: aws-outage-at-peak/);
    const all = await vscode.commands.getCommands(true);
    for (const c of ['headroom.simulate', 'headroom.openReport', 'headroom.exportReport', 'headroom.showRecommendations', 'headroom.importOpenStack']) assert.ok(all.includes(c), c);
    // a scenario with a Monte Carlo model gets its runs in the editor too, as the CLI's simulate and report (50 runs, seed 42)
    const withRuns = await vscode.commands.executeCommand<{ monteCarlo?: { runs: number; seed: number; unservedByUnit?: Record<string, unknown> } }>('headroom.simulate', 'growth-2027');
    assert.deepEqual([withRuns.monteCarlo?.runs, withRuns.monteCarlo?.seed], [50, 42]);
    assert.ok(withRuns.monteCarlo?.unservedByUnit?.requests, 'unserved per unit');
  });

  it('imports an OpenStack inventory as a Site document', async () => {
    const h = path.join(root(), 'hypervisors.json');
    const f = path.join(root(), 'flavors.json');
    fs.writeFileSync(h, JSON.stringify([{ 'Hypervisor Hostname': 'c1', State: 'up', vCPUs: 64, 'Memory MB': 524288 }, { 'Hypervisor Hostname': 'c2', State: 'up', vCPUs: 64, 'Memory MB': 524288 }]));
    fs.writeFileSync(f, JSON.stringify([{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80 }]));
    const yaml = await vscode.commands.executeCommand<string>('headroom.importOpenStack', vscode.Uri.file(h), vscode.Uri.file(f), 'gasan');
    assert.match(yaml, /name: gasan-64c-512g\n\s+hosts: 2/);
    assert.equal(vscode.window.activeTextEditor?.document.getText(), yaml);
  });

  it('imports a Site from a real Placement API behind Keystone; the token goes to secret storage, never to settings or files', async () => {
    const url = process.env.HEADROOM_TEST_PLACEMENT_URL!;
    const token = process.env.HEADROOM_TEST_PLACEMENT_TOKEN!;
    assert.ok(url && token, 'the outer test starts Keystone and Placement and passes the URL and a token');
    const f = path.join(root(), 'flavors-placement.json');
    fs.writeFileSync(f, JSON.stringify([{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80 }]));
    // two hosts of (64 − 2) × 4.0 vCPU, (262144 − 4096) MiB: one aggregate of 2 hosts
    const yaml = await vscode.commands.executeCommand<string>('headroom.importPlacement', url, vscode.Uri.file(f), 'pangyo-live', token);
    assert.match(yaml, /hosts: 2\n/);
    assert.match(yaml, /cpu: 4\b/);
    assert.equal(vscode.window.activeTextEditor?.document.getText(), yaml);
    // the second run asks for no token: it comes from SecretStorage
    const again = await vscode.commands.executeCommand<string>('headroom.importPlacement', url, vscode.Uri.file(f), 'pangyo-live');
    assert.equal(again.replace(/at: .*/g, ''), yaml.replace(/at: .*/g, ''));
    const settings = JSON.stringify(vscode.workspace.getConfiguration('headroom'));
    assert.ok(!settings.includes(token), 'no token in settings');
    for (const name of fs.readdirSync(root())) if (name.endsWith('.yaml') || name.endsWith('.json')) assert.ok(!fs.readFileSync(path.join(root(), name), 'utf8').includes(token), name);
    // a token Keystone never issued is refused (HTTP 401): one notification, and nothing is opened
    const refused = await vscode.commands.executeCommand<string | undefined>('headroom.importPlacement', url, vscode.Uri.file(f), 'x', 'not-a-keystone-token');
    assert.equal(refused, undefined);
  });

  it('imports from Placement signed in with a cloud of clouds.yaml: Keystone gives the token, its catalog the URL', async () => {
    const keystone = process.env.HEADROOM_TEST_KEYSTONE_URL!;
    const password = process.env.HEADROOM_TEST_KEYSTONE_PASSWORD!;
    assert.ok(keystone && password, 'the outer test starts Keystone and passes its URL');
    const clouds = path.join(root(), 'clouds.yaml');
    const f = path.join(root(), 'flavors-placement.json');
    fs.writeFileSync(f, JSON.stringify([{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80 }]));
    fs.writeFileSync(clouds, `clouds:\n  lab:\n    auth: { auth_url: "${keystone}", username: admin, password: "${password}", project_name: admin, user_domain_name: Default, project_domain_name: Default }\n    region_name: RegionOne\n`);
    try {
      const yaml = await vscode.commands.executeCommand<string>('headroom.importPlacement', undefined, vscode.Uri.file(f), 'pangyo-cloud', undefined, 'lab');
      assert.match(yaml, /hosts: 2\n/);
      // a cloud that is not in clouds.yaml: one notification, nothing opened
      assert.equal(await vscode.commands.executeCommand<string | undefined>('headroom.importPlacement', undefined, vscode.Uri.file(f), 'x', undefined, 'nope'), undefined);
    } finally {
      fs.rmSync(clouds, { force: true });
    }
  });

  it('imports demand from a real Prometheus into a trace CSV in the workspace; a target outside it is refused', async () => {
    const url = process.env.HEADROOM_TEST_PROMETHEUS_URL!;
    assert.ok(url, 'the outer test starts Prometheus and passes its URL');
    const target = vscode.Uri.file(path.join(root(), 'traces', 'requests.csv'));
    const r = await vscode.commands.executeCommand<{ file: string; rows: number; source: string } | undefined>('headroom.importPrometheus', { url, query: 'requests', start: '2026-01-05T00:00:00Z', end: '2026-01-05T00:55:00Z', step: '5m', target });
    assert.ok(r, 'an import');
    // 00:00 to 00:55 every 5 minutes: 12 rows, the sample values 0, 10, …, 110
    assert.equal(r.rows, 12);
    const lines = fs.readFileSync(target.fsPath, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'timestamp,value');
    assert.equal(lines[1], '2026-01-05T00:00:00Z,0');
    assert.equal(lines[12], '2026-01-05T00:55:00Z,110');
    assert.match(r.source, /^traffic: \{ trace: traces\/requests\.csv, source: \{ prometheus: \{ url: "http:\/\/127\.0\.0\.1:\d+", query: "requests"/);
    assert.deepEqual(fs.readdirSync(path.dirname(target.fsPath)).filter((f) => f.endsWith('.tmp')), []);
    const outside = await vscode.commands.executeCommand<unknown>('headroom.importPrometheus', { url, query: 'requests', start: '2026-01-05T00:00:00Z', end: '2026-01-05T00:55:00Z', step: '5m', target: vscode.Uri.file(path.join(path.dirname(root()), 'escaped.csv')) });
    assert.equal(outside, undefined);
    assert.ok(!fs.existsSync(path.join(path.dirname(root()), 'escaped.csv')));
  });

  it('updates an open report in place after a save: focus stays in the editor, the scenario stays, results go out of date on change (not on a write of the same text)', async () => {
    const api = vscode.extensions.getExtension<{ state(): { stale: boolean; scenario?: string; reportOpen: boolean; reportLoaded: boolean; reloads: number } }>('headroom.headroom-vscode')!.exports;
    const uri = file('placement.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('headroom.openReport', 'fx-shock');
    assert.equal(api.state().scenario, 'fx-shock');
    assert.ok(api.state().reportOpen);
    const loaded = Date.now() + 60000;
    while (!api.state().reportLoaded && Date.now() < loaded) await new Promise((r) => setTimeout(r, 100));
    assert.ok(api.state().reportLoaded, 'the report webview loaded');
    // the report opened beside the editor without taking the focus
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath, 'the editor kept the focus when the report opened');
    const cfg = vscode.workspace.getConfiguration('headroom');
    await cfg.update('simulateOnSave', true, vscode.ConfigurationTarget.Global);
    try {
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '# reviewed\n'));
      assert.equal(api.state().stale, true, 'a change marks the last result out of date');
      await doc.save();
      // the replay after the save brings a fresh result (no longer out of date), for the scenario the report shows
      const end = Date.now() + 100000;
      while (api.state().stale && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      assert.equal(api.state().stale, false, 'the save re-ran the simulation');
      assert.equal(api.state().scenario, 'fx-shock');
      // and the editor kept the focus: the report was updated where it is, not revealed
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath);
      // the file watcher's report of a write that leaves the text as it was (as a save's, when it
      // comes after the result) is no change: the result stays current (it was marked out of date)
      const reloaded = async (write: () => void) => {
        const before = api.state().reloads;
        write();
        const until = Date.now() + 30000;
        while (api.state().reloads === before && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        assert.ok(api.state().reloads > before, 'the file watcher reported the write');
      };
      await reloaded(() => fs.writeFileSync(uri.fsPath, doc.getText()));
      assert.equal(api.state().stale, false, 'a write of the same text marked the result out of date');
      // a write that changes it does
      await reloaded(() => fs.writeFileSync(uri.fsPath, doc.getText() + '# changed outside the editor\n'));
      assert.equal(api.state().stale, true, 'a change on disk marks the result out of date');
    } finally {
      await cfg.update('simulateOnSave', false, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses a bad inventory file at its own prompt, before asking for the next one', async () => {
    const bad = path.join(root(), 'not-hypervisors.json');
    fs.writeFileSync(bad, JSON.stringify({ servers: [] }));
    // with no flavors file given, a second prompt would open a dialog and this test would time out
    const r = await vscode.commands.executeCommand<string | undefined>('headroom.importOpenStack', vscode.Uri.file(bad));
    assert.equal(r, undefined);
  });

  it('hovers a site whose document has errors, with what it still says', async () => {
    const site = path.join(root(), 'broken-site.yaml');
    const pl = path.join(root(), 'broken-placement.yaml');
    fs.writeFileSync(site, 'apiVersion: headroom.dev/v1\nkind: Site\nmetadata: { name: lab }\nspec:\n  type: openstack\n  aggregates:\n    - { name: a, hosts: ten, host: { vcpus: 8, memoryMiB: 16896 } }\n  flavors:\n    - { name: tiny, vcpus: 1, memoryMiB: 512 }\n');
    fs.writeFileSync(pl, 'apiVersion: headroom.dev/v1\nkind: Placement\nmetadata: { name: lab-placement }\nspec:\n  workloads:\n    payments-api: { shares: { lab: 100 } }\n');
    try {
      const uri = vscode.Uri.file(pl);
      await diagnosticsWhere(vscode.Uri.file(site), (d) => d.some((x) => x.code === 'invalid-value'));
      const doc = await vscode.workspace.openTextDocument(uri);
      const line = doc.getText().split('\n').findIndex((l) => l.includes('lab: 100'));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, doc.lineAt(line).text.indexOf('lab: 100') + 1));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
      assert.match(text, /\*\*lab\*\* — openstack \(this Site has errors/);
      assert.match(text, /Flavors: tiny/);
    } finally {
      fs.rmSync(site, { force: true });
      fs.rmSync(pl, { force: true });
    }
  });

  it('compares the workspace with its last commit: the diff, and a lens over the Placement', async () => {
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    const g = (...args: string[]) => execFileSync('git', args, { cwd: root(), env, encoding: 'utf8' });
    g('init', '-q', '-b', 'main');
    g('add', '-A');
    g('commit', '-q', '-m', 'base');
    const uri = file('placement.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('ride-dispatch:'));
    const text = doc.lineAt(line).text;
    const m = /\{ shares: \{ (.*) \} \}/.exec(text)!;
    await editor.edit((e) => e.replace(new vscode.Range(line, text.indexOf(m[1]), line, text.indexOf(m[1]) + m[1].length), 'pangyo: 100'));
    await doc.save();
    const d = await vscode.commands.executeCommand<{ base: { ref: string }; change: { workloads: { name: string; sharesAfter: Record<string, number> }[] } }>('headroom.compareWithHead');
    assert.equal(d.base.ref, 'HEAD');
    assert.deepEqual(d.change.workloads.find((w) => w.name === 'ride-dispatch')?.sharesAfter, { pangyo: 100 });
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.ok(lenses.some((l) => /\/month vs HEAD · N-1/.test(l.command?.title ?? '')), lenses.map((l) => l.command?.title).join(' | '));
  });
});

/**
 * The extension in a real VS Code, offline (shared/notes/real-vscode-offline.md): VS Code's server
 * from code-server (built once by scripts/ensure-vscode-server.sh, cached), the Headroom extension
 * and a test-host extension installed in a fresh extensions folder, and headless Chromium
 * (playwright-core) as the workbench. The Mocha suite in extension/test/suite runs inside the
 * extension host with the real vscode API; then this test drives the workbench UI: the Problems
 * panel lists the planted error, the light-bulb quick fix changes the file, and the report command
 * opens a webview. Screenshots go to $HEADROOM_ARTIFACTS (default: headroom-test-artifacts in the temporary folder).
 */
import { strict as assert } from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, Browser, Page } from 'playwright-core';
import { ARTIFACTS, FIXTURES, REPO } from './helpers';
import { freePort } from './loopback-server';
import { PlacementServer, startPlacement } from './placement-server';
import { KeystoneServer, startKeystone } from './keystone-server';
import { PrometheusServer, startPrometheus } from './prometheus-server';

const CACHE = process.env.HEADROOM_CACHE ?? path.join(os.homedir(), '.cache', 'headroom');
const NODE = path.join(CACHE, 'node24', 'node_modules', 'node', 'bin', 'node');
const SERVER = path.join(CACHE, 'code-server-4.139.1', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

async function waitFor<T>(what: string, ms: number, poll: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = poll();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('extension in a real VS Code (code-server, Chromium)', function () {
  this.timeout(600000);
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tmp: string;
  let ws: string;
  let results: string;
  let log = '';
  let placementApi: PlacementServer | undefined;
  let keystoneApi: KeystoneServer | undefined;
  let prometheusApi: PrometheusServer | undefined;

  before(async () => {
    for (const [what, p] of [['VS Code server (scripts/ensure-vscode-server.sh)', SERVER], ['Node 24', NODE], ['Chromium', CHROMIUM]]) {
      if (!fs.existsSync(p)) throw new Error(`${what} not found at ${p}; npm test provisions it (pretest)`);
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-vscode-'));
    ws = path.join(tmp, 'ws');
    copyDir(path.join(FIXTURES, 'toss-hybrid'), ws);
    const ext = path.join(tmp, 'extensions');
    const mine = path.join(ext, 'headroom.headroom-vscode-0.1.0');
    fs.mkdirSync(mine, { recursive: true });
    for (const f of ['package.json', 'dist', 'schemas', 'icon.png']) copyDir(path.join(REPO, 'extension', f), path.join(mine, f));
    const host = path.join(ext, 'headroom.headroom-vscode-tests-0.0.1');
    fs.mkdirSync(host, { recursive: true });
    fs.copyFileSync(path.join(REPO, 'extension', 'test', 'host', 'package.json'), path.join(host, 'package.json'));
    fs.writeFileSync(path.join(host, 'host.js'), `module.exports = require(${JSON.stringify(path.join(REPO, 'dist', 'extension-test', 'suite', 'host.js'))});\n`);
    const ud = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
    fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'headroom.simulateOnSave': false }));
    results = path.join(tmp, 'results.json');
    // a real Keystone and a real Placement API behind it for "Import from Placement…" (a token, or a
    // cloud of clouds.yaml whose catalog names Placement): two compute nodes of one shape in one aggregate
    keystoneApi = await startKeystone();
    placementApi = await startPlacement({ keystone: keystoneApi });
    const svc = (await keystoneApi.call('POST', '/services', { service: { type: 'placement', name: 'placement' } }))!.service as { id: string };
    await keystoneApi.call('POST', '/endpoints', { endpoint: { service_id: svc.id, interface: 'public', url: placementApi.url, region_id: 'RegionOne' } });
    const agg = '5f6e2a3c-7d1b-4c9e-8a2f-1b3c4d5e6f70';
    for (const n of ['cn-1', 'cn-2']) await placementApi.provider(n, { VCPU: { total: 64, reserved: 2, allocation_ratio: 4.0 }, MEMORY_MB: { total: 262144, reserved: 4096, allocation_ratio: 1.0 }, DISK_GB: { total: 1000, reserved: 0, allocation_ratio: 1.0 } }, [agg], []);
    // a real Prometheus for "Import Demand from Prometheus…": 12 samples of requests{} = 10 × i, 300 s apart from 2026-01-05T00:00:00Z
    const t0 = Date.parse('2026-01-05T00:00:00Z') / 1000;
    prometheusApi = await startPrometheus(['# TYPE requests gauge', ...Array.from({ length: 12 }, (_, i) => `requests ${10 * i} ${t0 + 300 * i}`)]);
    const port = await freePort();
    server = spawn(NODE, [SERVER, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--extensions-dir', ext, '--user-data-dir', ud, ws], { env: { ...process.env, HEADROOM_TEST_RESULTS: results, HEADROOM_TEST_PLACEMENT_URL: placementApi.url, HEADROOM_TEST_PLACEMENT_TOKEN: await keystoneApi.token(), HEADROOM_TEST_KEYSTONE_URL: keystoneApi.url, HEADROOM_TEST_KEYSTONE_PASSWORD: keystoneApi.adminPassword, HEADROOM_TEST_PROMETHEUS_URL: prometheusApi.url, XDG_CONFIG_HOME: path.join(tmp, 'config') }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    await waitFor('the VS Code server', 60000, () => (log.includes('HTTP server listening') ? true : undefined));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 120000 });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    server?.kill();
    placementApi?.stop();
    keystoneApi?.stop();
    prometheusApi?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('passes the Mocha suite inside the extension host', async () => {
    const text = await waitFor('the in-editor suite', 300000, () => (fs.existsSync(results) ? fs.readFileSync(results, 'utf8') : undefined));
    const r = JSON.parse(text) as { failures: number; results: { title: string; state: string; error?: string }[] };
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-suite.png') });
    assert.equal(r.failures, 0, r.results.filter((x) => x.state === 'failed').map((x) => `${x.title}: ${x.error}`).join('\n'));
    // the thirteen tests of extension/test/suite/extension.test.ts, the on-save recommendation fix, the focus test, the Placement (token and clouds.yaml) and Prometheus imports and the comparison with HEAD among them
    assert.equal(r.results.length, 13, r.results.map((x) => x.title).join('\n'));
    assert.ok(r.results.some((x) => x.title.includes('recommended placement') && x.state === 'passed'));
    assert.ok(r.results.some((x) => x.title.includes('real Placement API') && x.state === 'passed'));
    assert.ok(r.results.some((x) => x.title.includes('clouds.yaml') && x.state === 'passed'));
    assert.ok(r.results.some((x) => x.title.includes('real Prometheus') && x.state === 'passed'));
  });

  it('shows the planted error in the Problems panel; the light-bulb quick fix changes the file; the report opens', async () => {
    // planted after the suite, so its simulations ran on a clean workspace; the extension's file watcher picks it up
    fs.writeFileSync(path.join(ws, 'planted.yaml'), 'apiVersion: headroom.dev/v1\nkind: Placement\nmetadata: { name: planted }\nspec:\n  workloads:\n    payments-api: { shares: { pangyo: 60, aws-seoul: 30 } }\n');
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.getByText('shares of payments-api sum to 90, not 100').first().waitFor({ timeout: 60000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-problems.png') });
    // Open the problem: the editor opens planted.yaml with the cursor on the marker. The fix can
    // only be offered once the editor shows that file and the code-action provider has answered
    // for the cursor's position; the light bulb appearing beside the line is that condition (a
    // fixed sleep followed by Ctrl+. raced it: the key went to the Problems panel or to an editor
    // whose code actions were not computed yet). Clicking the bulb opens the quick-fix menu.
    // The Problems list re-renders as the other files' diagnostics arrive; a double-click that lands
    // on a row being replaced opens nothing (seen once under load), so it is repeated until the tab shows.
    const plantedTab = page.locator('.editor-group-container.active .tab.active', { hasText: 'planted.yaml' });
    for (let attempt = 1; ; attempt++) {
      await problems.getByText('shares of payments-api sum to 90, not 100').first().dblclick();
      try {
        await plantedTab.waitFor({ timeout: 10000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    // The in-editor suite leaves other editors open, possibly in another editor group: everything
    // below is scoped to the active group, the one the marker opened planted.yaml in. A click on the
    // `shares` key puts the cursor inside the diagnostic's range and gives that editor focus.
    const editor = page.locator('.editor-group-container.active .monaco-editor').filter({ hasText: 'planted' }).first();
    await editor.locator('.view-line span', { hasText: /^shares$/ }).first().click();
    const bulb = editor.locator('.lightBulbWidget');
    await bulb.waitFor({ state: 'visible', timeout: 30000 });
    await bulb.click();
    const fix = page.getByText('Scale shares to 100').first();
    await fix.waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-quickfix.png') });
    await fix.click();
    await page.keyboard.press('Control+S');
    await waitFor('the fixed file', 30000, () => (fs.readFileSync(path.join(ws, 'planted.yaml'), 'utf8').includes('pangyo: 67, aws-seoul: 33') ? true : undefined));
    // the report command opens a webview
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('Headroom: Open Report');
    await page.keyboard.press('Enter');
    // the webview's own frame (#active-frame) inside VS Code's iframe. The quick fix changed the
    // workspace, so a report still open from the suite above says it is out of date until the
    // command's re-run replaces it: drawn once the title and a chart are there and the banner is gone
    const report = page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
    await report.locator('h1', { hasText: 'Capacity review' }).waitFor({ timeout: 120000 });
    await report.locator('.stale-banner').waitFor({ state: 'detached', timeout: 120000 });
    await report.locator('svg').first().waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-report.png') });
    // the report in a narrow window (700 px wide), in the workbench's own (dark) theme
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForFunction(() => {
      const g = globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { right: number } } | null } };
      const frame = g.document.querySelector('iframe.webview');
      return !!frame && frame.getBoundingClientRect().right <= 700;
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-report-700.png') });
  });
});

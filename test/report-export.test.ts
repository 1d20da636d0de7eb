/**
 * The capacity-review exports: Markdown and CSV checked against the report JSON they came from,
 * and the standalone HTML opened in real headless Chromium (playwright-core, Debian chromium):
 * every chart renders, no console errors, no network request, tooltips, brush zoom, legend
 * toggles, and markup in user strings shown literally, never run.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, Browser, Page } from 'playwright-core';
import { analyzePaths } from '../engine/lint/lint';
import { buildReport, Report } from '../engine/report/report';
import { csvField, mdCell, reportJson, toCsv, toHtml, toMarkdown } from '../engine/report/report-export';
import { recommend } from '../engine/recommend/recommend';
import { simulate } from '../engine/replay/simulate';
import { money } from '../engine/report/money-format';
import { RESOURCE_LABEL } from '../engine/model/resource-classes';
import { formatSummary } from '../engine/report/summary';
import { ARTIFACTS, FIXTURES, tempWorkspace } from './helpers';
import { constWorkload, placement, publicSite, scenario, smallPrivate } from './sim-helpers';
import { run as runCli } from './cli-lint.test';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function fixtureReport(): Promise<Report> {
  const dir = path.join(FIXTURES, 'toss-hybrid');
  const out = await recommend(analyzePaths([dir], { cwd: dir }));
  return out.report;
}

function parseMdTable(md: string, heading: string): string[][] {
  const sec = md.split(`## ${heading}`)[1].split('\n## ')[0];
  const lines = sec.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) => l.slice(2, -2).split(' | '));
}

describe('report exports', function () {
  this.timeout(120000);
  let report: Report;
  before(async () => {
    report = await fixtureReport();
  });

  it('Markdown tables carry the JSON numbers', () => {
    const md = toMarkdown(report);
    // the headline as the summary writes it, and the total to the cent with separators; its month is the
    // format's 2,629,746 s = 30.436875 days, said so (a quarter's cost over 3 would read otherwise)
    const cents = report.totals.cost.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    assert.ok(md.includes(`**Total ${money(report.totals.cost, report.currency)}** (${cents} ${report.currency}; ${money(report.totals.costPerMonth, report.currency)} per month of 30.44 days), unserved `), md.split('\n').slice(0, 6).join('\n'));
    // the rate behind the won (fixtures/toss-hybrid/settings.yaml: 1 USD = 1390 KRW), in both headlines
    assert.ok(md.includes(' steps of 300 s. Money in KRW (1 USD = 1,390 KRW).') && formatSummary(report).includes(' · money in KRW (1 USD = 1,390 KRW)\n'));
    // shortfalls with separators in every output: losing pangyo leaves core-ledger's 60 r1.xlarge (8 vCPU, 64 GiB) short
    assert.ok(formatSummary(report).includes('core-ledger 60 inst. (480 vCPU, 3,840 GiB)') && md.includes('core-ledger: 60 instances, 480 vCPU, 3,840 GiB'));
    // step counts with separators, as in the summary: the fixture's default run has 22,098 (README)
    assert.ok(report.totals.sloViolationSteps >= 1000, 'a count that needs a separator');
    const steps = String(report.totals.sloViolationSteps).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    assert.ok(md.includes(`, ${steps} SLO-violation steps.`) && formatSummary(report).includes(`· ${steps} SLO-violation step(s)`), steps);
    const sites = parseMdTable(md, 'Sites');
    assert.equal(sites.length, report.sites.length);
    for (const s of report.sites) {
      const row = sites.find((r) => r[0] === s.name)!;
      // site, type, vCPU, memory, disk capacity, peak vCPU, memory, disk, p95 vCPU, binding, cost, idle
      assert.equal(row[10], s.cost.toFixed(2));
      assert.equal(row[11], s.idleCost.toFixed(2));
      // the binding resource by its label, as every table names it (memory, not memoryMiB)
      assert.equal(row[9], s.binding ? `${RESOURCE_LABEL[s.binding.resource]} ${(s.binding.peakNeed * 100).toFixed(1)} %` : '—');
    }
    const wl = parseMdTable(md, 'Workloads');
    assert.equal(wl.length, report.workloads.length);
    for (const w of report.workloads) {
      const row = wl.find((r) => r[0] === w.name)!;
      assert.equal(row[1], w.class);
      assert.equal(row[3], w.unit);
      assert.equal(Number(row[4]), w.demand.peak);
      assert.equal(Number(row[8]), Number(w.cost.toFixed(2)));
    }
    const f = parseMdTable(md, 'N-1 failover');
    assert.deepEqual(f.map((r) => r[1]), report.failover.map((x) => (x.survives ? 'survives' : '**fails**')));
    assert.equal(parseMdTable(md, 'Recommendations').length, report.recommendations.length);
  });

  it('CSV rows sum to each workload and site cost', () => {
    const csv = toCsv(report).trim().split('\r\n');
    assert.equal(csv[0], 'workload,site,month,partial,cost,currency');
    const months = report.series!.monthlyCost.months.length;
    // a row per workload, site and month, then per site and month its idle cost
    assert.equal(csv.length - 1, (report.workloads.reduce((n, w) => n + Object.keys(w.sites).length, 0) + report.sites.length) * months);
    const sumOf = (prefix: string) => csv.filter((l) => l.startsWith(prefix)).reduce((s, l) => s + Number(l.split(',')[4]), 0);
    for (const w of report.workloads) {
      for (const [site, v] of Object.entries(w.sites)) {
        // rounding to 0.01 per month: at most months × 0.005 off
        const sum = sumOf(`${w.name},${site},`);
        assert.ok(Math.abs(sum - v.cost) <= months * 0.005 + 0.01, `${w.name}/${site}: ${sum} vs ${v.cost}`);
      }
    }
    // idle rows: each site's idle cost (the fixture: pangyo 20.87M KRW, README), and all rows the total, to within rounding
    for (const s of report.sites) {
      const idle = sumOf(`(idle),${s.name},`);
      assert.ok(Math.abs(idle - s.idleCost) <= (report.workloads.length + 1) * months * 0.005 + 0.01, `${s.name}: ${idle} vs ${s.idleCost}`);
    }
    const all = csv.slice(1).reduce((s, l) => s + Number(l.split(',')[4]), 0);
    assert.ok(Math.abs(all - report.totals.cost) <= 0.05, `${all} vs ${report.totals.cost}`);
  });

  it('writes the report JSON with each array of numbers on one line, and reads back exactly', () => {
    // the fixture's default report with its chart series: every series (480 points at most) is one line
    const text = reportJson(report);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(report)));
    assert.match(text, /\n {8}"demandMax": \[[-\d.e+]+(, [-\d.e+]+){10,}\],\n/);
    assert.ok(text.length < (JSON.stringify(report, null, 2).length * 2) / 3, `${text.length} against ${JSON.stringify(report, null, 2).length}`);
    // the rest keeps JSON.stringify's two-space layout: arrays of objects, empty arrays, strings, null
    const small = { a: [1, 2.5, -0, 1e21], b: [{ c: 'x' }, []], d: [null, 1], e: {}, f: null };
    assert.equal(reportJson(small), '{\n  "a": [1, 2.5, 0, 1e+21],\n  "b": [\n    {\n      "c": "x"\n    },\n    []\n  ],\n  "d": [\n    null,\n    1\n  ],\n  "e": {},\n  "f": null\n}\n');
    // a key or string holding U+0000 (YAML "\0") could pass for the layout's token: then the plain layout, which reads back the same
    const odd = { '\u00000': 'k', s: '\u00001', a: [1, 2] };
    assert.equal(reportJson(odd), JSON.stringify(odd, null, 2) + '\n');
    assert.deepEqual(JSON.parse(reportJson(odd)), odd);
  });

  it("runs the scenario's Monte Carlo as simulate does: the same figures for the same seed", async () => {
    // growth-2027 declares monteCarlo (50 runs, seed 42): report --format json carries what simulate --json does
    const fix = path.join(FIXTURES, 'toss-hybrid');
    const dir = tempWorkspace({});
    const out = path.join(dir, 'r.json');
    const rep = await runCli(['report', fix, '--scenario', 'growth-2027', '--format', 'json', '--out', out, '--no-recommend']);
    assert.equal(rep.code, 0, rep.err);
    const sim = await runCli(['simulate', fix, '--scenario', 'growth-2027', '--json', '--no-series']);
    assert.equal(sim.code, 0, sim.err);
    const fromReport = JSON.parse(fs.readFileSync(out, 'utf8')).monteCarlo;
    assert.equal(fromReport.runs, 50);
    assert.deepEqual(fromReport, JSON.parse(sim.out).monteCarlo);
    assert.match(toMarkdown(JSON.parse(fs.readFileSync(out, 'utf8'))), /## Monte Carlo \(50 runs, seed 42\)[\s\S]*\| unserved \(requests\) \|/);
  });

  it('takes the format from --out when --format is not given (review.MD is Markdown, cost.csv is CSV)', async () => {
    const dir = tempWorkspace({});
    const fix = path.join(FIXTURES, 'toss-hybrid');
    const md = await runCli(['report', fix, '--scenario', 'fx-shock', '--no-recommend', '--out', path.join(dir, 'review.MD')]);
    assert.equal(md.code, 0, md.err);
    assert.match(fs.readFileSync(path.join(dir, 'review.MD'), 'utf8'), /^# Capacity review: fx-shock\n/);
    const csv = await runCli(['report', fix, '--scenario', 'fx-shock', '--no-recommend', '--out', path.join(dir, 'cost.csv')]);
    assert.equal(csv.code, 0, csv.err);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'cost.csv'), 'utf8'), /^#|<html/);
  });

  it('puts two scenarios side by side (headroom report --compare)', async () => {
    const { run } = require('./cli-lint.test') as typeof import('./cli-lint.test');
    const out = path.join(tempWorkspace({}), 'cmp.md');
    const r = await run(['report', path.join(FIXTURES, 'toss-hybrid'), '--scenario', 'default', '--compare', 'fx-shock', '--no-recommend', '--format', 'md', '--out', out]);
    assert.equal(r.code, 0, r.err);
    const rows = parseMdTable(fs.readFileSync(out, 'utf8'), 'Scenario default against fx-shock');
    // fx-shock: the dollar at 1,550 and +10 % public prices from March cost more per month than default at 1,390
    // the change column is candidate − baseline (fx-shock − default), labelled so
    const perMonth = rows.find((x) => x[0].startsWith('cost per month'))!;
    const n = (cell: string) => Number(cell.replace(/ KRW$/, ''));
    assert.ok(n(perMonth[2]) > n(perMonth[1]), perMonth.join(' | '));
    assert.equal(n(perMonth[3]).toFixed(2), (n(perMonth[2]) - n(perMonth[1])).toFixed(2));
    assert.match(fs.readFileSync(out, 'utf8'), /\|\s+\| default \| fx-shock \| change \(fx-shock − default\) \|/);
    // default runs 90 days (Q1) and fx-shock 181 (H1): totals are not comparable, so there is no total cost row and a note says why
    assert.ok(!rows.some((x) => x[0] === 'cost'));
    assert.match(fs.readFileSync(out, 'utf8'), /The horizons differ \(90\.0 days against 181\.0 days\)/);
  });

  it('escapes for each format', () => {
    assert.equal(mdCell('a|b<script>'), 'a\\|b&lt;script&gt;');
    assert.equal(csvField('a,"b"'), '"a,""b"""');
    assert.equal(csvField('=HYPERLINK("x")'), '"=HYPERLINK(""x"")"');
  });

  describe('standalone HTML in Chromium', () => {
    let browser: Browser;
    before(async function () {
      if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (scripts/ensure-chromium.sh) or set CHROMIUM_PATH`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
      fs.mkdirSync(ARTIFACTS, { recursive: true });
    });
    after(async () => browser?.close());

    async function open(html: string, name: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
      const file = path.join(ARTIFACTS, `${name}.html`);
      fs.writeFileSync(file, html);
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto('file://' + file);
      return { page, errors, requests };
    }

    it('renders every chart with no console error and no network request; tooltips, brush and legend work', async () => {
      const { page, errors, requests } = await open(toHtml(report, { headroomTarget: 0.2 }), 'report');
      await page.waitForSelector('figure.chart svg');
      // 2 sites + utilization + cost by site + cost by workload (+ Monte Carlo when present)
      assert.equal(await page.locator('figure.chart').count(), 5 + (report.monteCarlo ? 1 : 0));
      assert.ok((await page.locator('figure.chart').first().locator('path.stack').count()) > 0);
      assert.ok((await page.locator('rect.bar').count()) > 0);
      assert.equal(await page.locator('table.failover tr.shortfall').count(), report.failover.filter((f) => !f.survives).length);
      // tooltip on hover
      const first = page.locator('figure.chart').first();
      await first.scrollIntoViewIfNeeded();
      const box = (await first.locator('g.brush rect.overlay').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height - 4);
      await page.waitForSelector('#hr-tooltip:not([hidden])');
      assert.match((await page.locator('#hr-tooltip').textContent())!, /vCPU running/);
      // brush: drag across the first chart; the x-axis ticks change to the zoomed range
      const fig = page.locator('figure.chart').first();
      const ticksBefore = await fig.locator('g.axis.x .tick text').allTextContents();
      const overlay = (await fig.locator('g.brush rect.overlay').boundingBox())!;
      await page.mouse.move(overlay.x + overlay.width * 0.4, overlay.y + overlay.height / 2);
      await page.mouse.down();
      await page.mouse.move(overlay.x + overlay.width * 0.45, overlay.y + overlay.height / 2, { steps: 5 });
      await page.mouse.up();
      const ticksAfter = await fig.locator('g.axis.x .tick text').allTextContents();
      assert.notDeepEqual(ticksAfter, ticksBefore);
      // legend: hiding a workload removes its area
      const before = await fig.locator('path.stack').count();
      await fig.locator('.legend button').first().click();
      assert.equal(await fig.locator('path.stack').count(), before - 1);
      // the resource shown first binds at the most crowded site: pangyo's memory (76.5 % at its peak, the sites table's "binds")
      assert.equal(await page.locator('.resource-switch button[aria-pressed="true"]').textContent(), 'memory');
      assert.ok((await page.locator('.resource-charts figure.chart figcaption').allTextContents()).some((t) => /Peak memory utilization per site/.test(t)));
      // workloads' cost per month leaves the sites' idle capacity out, and says so with its amount
      const idle = report.sites.reduce((m, x) => m + x.idleCost, 0);
      assert.ok(idle > 0);
      assert.match((await page.locator('figure.chart p.note', { hasText: 'Idle capacity' }).textContent())!, /^Idle capacity \(paid for, allocated to no workload: [\d.]+M KRW over the horizon\) is in the cost by site, not here\.$/);
      // resource switch: vCPU, then memory again, redraws the site charts and the utilization chart
      await page.locator('.resource-switch button', { hasText: 'vCPU' }).click();
      assert.ok((await page.locator('.resource-charts figure.chart figcaption').allTextContents()).some((t) => /Peak vCPU utilization per site/.test(t)));
      await page.locator('.resource-switch button', { hasText: 'memory' }).click();
      const titles = await page.locator('.resource-charts figure.chart figcaption').allTextContents();
      assert.ok(titles.some((t) => /pangyo: running memory by workload, needed and capacity \(MiB; times in UTC\)/.test(t)), titles.join(' | '));
      assert.ok(titles.some((t) => /Peak memory utilization per site/.test(t)), titles.join(' | '));
      await page.locator('.resource-switch button', { hasText: 'vCPU' }).click();
      // sortable workload table: numbers sort largest first on the first click, then reverse
      const costHeader = page.locator('table.workloads th button', { hasText: 'cost' });
      await costHeader.click();
      const firstRow = await page.locator('table.workloads tbody tr').first().locator('td').first().textContent();
      const costliest = [...report.workloads].sort((a, b) => b.cost - a.cost)[0].name;
      assert.equal(firstRow, costliest);
      await costHeader.click();
      const cheapest = [...report.workloads].sort((a, b) => a.cost - b.cost)[0].name;
      assert.equal(await page.locator('table.workloads tbody tr').first().locator('td').first().textContent(), cheapest);
      // each chart saves as a standalone SVG (a download from a blob: URL, no network)
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('figure.chart .save-svg').nth(1).click()]);
      const svgFile = path.join(ARTIFACTS, download.suggestedFilename());
      await download.saveAs(svgFile);
      const svgText = fs.readFileSync(svgFile, 'utf8');
      assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.ok(svgText.includes('path') && !svgText.includes('var(--'), 'colours resolved, not theme variables');
      await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
      // a narrow panel (700 px), light and dark: the page never scrolls sideways, tables scroll inside themselves
      await page.setViewportSize({ width: 700, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const fits = await page.evaluate(() => {
          const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
          return g.document.documentElement.scrollWidth <= g.innerWidth + 1;
        });
        assert.ok(fits, `${scheme}: no horizontal page scroll at 700 px`);
        await page.screenshot({ path: path.join(ARTIFACTS, `report-700-${scheme}.png`), fullPage: true });
      }
      const bg = await page.evaluate(() => {
        const g = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } };
        return g.getComputedStyle(g.document.body).backgroundColor;
      });
      assert.equal(bg, 'rgb(30, 30, 30)', 'dark colours in a dark browser');
      assert.deepEqual(errors, []);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), []);
      assert.equal(requests.length, 1);
    });

    it('shows markup in user strings literally and never runs it', async () => {
      const dir = tempWorkspace({
        's.yaml': smallPrivate('dc', 4).replace('  type: openstack', '  type: openstack\n  region: "<img src=x onerror=window.__xss=1><script>window.__xss=2</script>"'),
        'c.yaml': publicSite('cloud').replace('  type: public', '  type: public\n  region: "</script><script>window.__xss=3</script>"'),
        'w.yaml': constWorkload('api', 20),
        'p.yaml': placement('api: { shares: { dc: 50, cloud: 50 } }'),
        'sc.yaml': scenario(),
      });
      const a = analyzePaths([dir], { cwd: dir });
      assert.deepEqual(a.diagnostics.filter((d) => d.severity !== 'info'), []);
      const r = buildReport(a.model, simulate(a));
      const { page, errors } = await open(toHtml(r), 'report-markup');
      await page.waitForSelector('table');
      assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);
      const text = await page.locator('main').textContent();
      assert.ok(text!.includes('<img src=x onerror=window.__xss=1><script>window.__xss=2</script>'));
      assert.ok(text!.includes('</script><script>window.__xss=3</script>'));
      assert.equal(await page.locator('main img').count(), 0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-markup.png') });
      assert.deepEqual(errors, []);
    });
  });
});

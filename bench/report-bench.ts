/**
 * The standalone report for a year at 5-minute steps with 100 workloads, opened in headless
 * Chromium: time from navigation to every chart drawn and painted (target under 1.5 s), and the
 * exported file's size.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { analyzePaths } from '../engine/lint/lint';
import { buildReport } from '../engine/report/report';
import { toHtml } from '../engine/report/report-export';
import { simulate } from '../engine/replay/simulate';
import { writeWorkspace } from './generate';

export async function benchReport(): Promise<void> {
  const { dir } = writeWorkspace({ workloads: 100, horizonDays: 365, step: '5m' });
  const a = analyzePaths([dir], { cwd: dir });
  const report = buildReport(a.model, simulate(a));
  const html = toHtml(report);
  const file = path.join(os.tmpdir(), `headroom-report-bench-${process.pid}.html`);
  fs.writeFileSync(file, html);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto('file://' + file);
    await page.waitForSelector('table.workloads');
    // after the charts are in the DOM, wait for two animation frames: the first full paint
    const t = await page.evaluate(() => new Promise<number>((resolve) => {
      const raf = (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame;
      raf(() => raf(() => resolve(performance.now())));
    }));
    times.push(t);
    await page.close();
  }
  await browser.close();
  times.sort((x, y) => x - y);
  const med = times[1];
  console.log(`report: 100 workloads × 4 sites × 105,120 steps (series of ${report.series!.buckets} points), file ${(html.length / 1024).toFixed(0)} KiB`);
  console.log(`  navigation → all charts painted: ${med.toFixed(0)} ms (median of 3) · target < 1500 ms: ${med < 1500 ? 'met' : 'MISSED'}`);
  fs.rmSync(file, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
}

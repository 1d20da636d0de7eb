/**
 * Lint of a generated 20,000-line workspace, end to end through the bundled CLI (a fresh
 * process, as a user or CI runs it): cold (an empty cache folder each run) and warm (the folder
 * of the cold runs, holding the documents the CLI read: model/document-cache.ts). Floor: a
 * process that only reads the same files and parses them with the yaml package. Target: well
 * under 1 s, cold and warm.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { workloadsForLines, writeWorkspace } from './generate';

const REPO = path.resolve(__dirname, '..', '..');

function time(fn: () => void, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

export function benchLint(): void {
  const { dir, lines } = writeWorkspace({ workloads: workloadsForLines(20_000), horizonDays: 7, step: '5m' });
  const cli = path.join(REPO, 'bin', 'headroom.js');
  const floorScript = `const fs=require('fs'),p=require('path'),y=require(${JSON.stringify(require.resolve('yaml'))});for(const f of fs.readdirSync(${JSON.stringify(dir)}))y.parseAllDocuments(fs.readFileSync(p.join(${JSON.stringify(dir)},f),'utf8'),{lineCounter:new y.LineCounter()});`;
  const runs = 5;
  const caches = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-lint-bench-'));
  let k = 0;
  const lintWith = (cache: string) => execFileSync(process.execPath, [cli, 'lint', dir], { stdio: 'pipe', env: { ...process.env, HEADROOM_TRACE_CACHE: cache } });
  const warmCache = path.join(caches, 'warm');
  try {
    const cold = time(() => lintWith(path.join(caches, `cold-${k++}`)), runs);
    lintWith(warmCache);
    const warm = time(() => lintWith(warmCache), runs);
    const floor = time(() => execFileSync(process.execPath, ['-e', floorScript], { stdio: 'pipe' }), runs);
    const med = (a: number[]) => a[Math.floor(a.length / 2)];
    console.log(`workspace: ${lines.toLocaleString('en-US')} lines in ${fs.readdirSync(dir).length} files`);
    for (const [name, t] of [['cold', cold], ['warm', warm]] as const) {
      console.log(`headroom lint ${name} (process, median of ${runs}): ${med(t).toFixed(0)} ms  [min ${t[0].toFixed(0)}, max ${t[runs - 1].toFixed(0)}]`);
    }
    console.log(`floor: node + yaml parse only (median): ${med(floor).toFixed(0)} ms`);
    console.log(`ratio lint / floor: cold ${(med(cold) / med(floor)).toFixed(2)}×, warm ${(med(warm) / med(floor)).toFixed(2)}×   target: < 1000 ms → ${Math.max(med(cold), med(warm)) < 1000 ? 'met' : 'MISSED'}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(caches, { recursive: true, force: true });
  }
}

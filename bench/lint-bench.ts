/**
 * Lint of a generated 20,000-line workspace, end to end through the bundled CLI (a fresh
 * process, as a user or CI runs it). Floor: a process that only reads the same files and
 * parses them with the yaml package. Target: well under 1 s.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
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
  const lint = time(() => execFileSync(process.execPath, [cli, 'lint', dir], { stdio: 'pipe' }), runs);
  const floor = time(() => execFileSync(process.execPath, ['-e', floorScript], { stdio: 'pipe' }), runs);
  const med = (a: number[]) => a[Math.floor(a.length / 2)];
  console.log(`workspace: ${lines.toLocaleString('en-US')} lines in ${fs.readdirSync(dir).length} files`);
  console.log(`headroom lint (process, median of ${runs}): ${med(lint).toFixed(0)} ms  [min ${lint[0].toFixed(0)}, max ${lint[runs - 1].toFixed(0)}]`);
  console.log(`floor: node + yaml parse only (median): ${med(floor).toFixed(0)} ms`);
  console.log(`ratio lint / floor: ${(med(lint) / med(floor)).toFixed(2)}×   target: < 1000 ms → ${med(lint) < 1000 ? 'met' : 'MISSED'}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

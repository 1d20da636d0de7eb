/**
 * `headroom diff` of two revisions of the 1,000-workload bench workspace (a year at 1 h): a git
 * repository with the workspace committed, one workload's shares changed in the working tree;
 * the whole `diff HEAD` process against one whole `simulate` of it, alternating, medians of 3.
 * Target: diff ≤ 2.2× simulate (two replays, with parsing shared through the trace cache).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeWorkspace } from './generate';

const ROOT = path.resolve(__dirname, '..', '..');

export function benchDiff(): void {
  const { dir } = writeWorkspace({ workloads: 1000, horizonDays: 365, step: '1h' });
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.com' };
  try {
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
    execFileSync('git', ['add', '.'], { cwd: dir, env });
    execFileSync('git', ['commit', '-q', '-m', 'base'], { cwd: dir, env });
    // move one workload's shares in the working tree
    const p = path.join(dir, 'placement.yaml');
    const text = fs.readFileSync(p, 'utf8');
    const m = /\{ shares: \{ ([^}]*) \} \}/.exec(text)!;
    const names = m[1].split(',').map((x) => x.trim().split(':')[0]);
    fs.writeFileSync(p, text.replace(m[0], `{ shares: { ${names[0]}: 100 } }`));
    const time = (args: string[]) => {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'headroom.js'), ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(`headroom ${args.join(' ')}: ${r.stderr}`);
      return Number(process.hrtime.bigint() - t) / 1e9;
    };
    const sim: number[] = [];
    const diff: number[] = [];
    for (let i = 0; i < 3; i++) {
      sim.push(time(['simulate', '.', '--json', '--no-series']));
      diff.push(time(['diff', 'HEAD', '.', '--format', 'json']));
    }
    const med = (x: number[]) => [...x].sort((a, b) => a - b)[1];
    const ratio = med(diff) / med(sim);
    console.log(`diff HEAD of the 1,000-workload workspace (a year at 1 h, one workload moved): ${med(diff).toFixed(2)} s against simulate ${med(sim).toFixed(2)} s (medians of 3) · ratio ${ratio.toFixed(2)}× (target ≤ 2.2×: ${ratio <= 2.2 ? 'met' : 'MISSED'})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

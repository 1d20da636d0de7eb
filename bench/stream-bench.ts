/**
 * The streamed replay past one machine's memory (issue 18): `headroom simulate --json
 * --no-series` as a whole process on 10,000 workloads × 4 sites × a year at 5 minutes
 * (105,120 steps; whole demand arrays alone would be 8.4 GB), with peak RSS from GNU time
 * against the 2 GiB target and the run's own memory estimate (model/limits.ts). The baseline,
 * measured in the same run, is the same command on 1,000 workloads: the ratio of time per
 * workload-site-step says whether the streamed run scales linearly (1.0) with the fleet.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePaths } from '../engine/lint/lint';
import { streamedRunBytes } from '../engine/model/limits';
import { runShape } from '../engine/replay/simulate';
import { planRun } from '../engine/replay/scenario-plan';
import { TraceCache } from '../engine/traffic/trace-file';
import { stepCount } from '../engine/traffic/traffic';
import { writeWorkspace } from './generate';
import { wall } from './process-run';

const ROOT = path.resolve(__dirname, '..', '..');
const CASES = [
  { name: 'baseline: 1,000 workloads × 4 sites × 1 year @ 5m', workloads: 1000 },
  { name: '10,000 workloads × 4 sites × 1 year @ 5m', workloads: 10000 },
];

export function benchStream(): void {
  const headroom = path.join(ROOT, 'bin', 'headroom.js');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-stream-')), 'report.json');
  const perCell: number[] = [];
  for (const c of CASES) {
    const { dir } = writeWorkspace({ workloads: c.workloads, horizonDays: 365, step: '5m', sizedFor: c.workloads });
    const a = analyzePaths([dir], { cwd: dir });
    const plan = planRun(a.model, undefined, new TraceCache());
    const steps = stepCount(plan.horizon);
    const shape = runShape(plan, steps, 480);
    const estimate = streamedRunBytes(shape) / 2 ** 20;
    const r = wall(process.execPath, [headroom, 'simulate', dir, '--json', '--no-series', '--out', out], { ...process.env, HEADROOM_TIMINGS: '1' });
    fs.rmSync(dir, { recursive: true, force: true });
    const cells = shape.pairs * steps;
    perCell.push(r.seconds / cells);
    console.log(`${c.name}: ${shape.pairs.toLocaleString('en-US')} workload-site pairs × ${steps.toLocaleString('en-US')} steps = ${(cells / 1e9).toFixed(2)} G workload-site-steps`);
    console.log(`  whole process ${r.seconds.toFixed(1)} s · ${(cells / r.seconds / 1e6).toFixed(1)} M workload-site-steps/s (replay alone ${r.core.toFixed(1)} s: ${(cells / r.core / 1e6).toFixed(1)} M/s) · peak RSS ${r.rssMiB.toFixed(0)} MiB (estimate ${estimate.toFixed(0)} MiB${c.workloads >= 10000 ? `; target < 2048 MiB: ${r.rssMiB < 2048 ? 'met' : 'MISSED'}` : ''})`);
  }
  const big = CASES.length - 1;
  console.log(`  time per workload-site-step against the baseline: ${(perCell[big] / perCell[0]).toFixed(2)}× (1.00: linear in the fleet)`);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
}

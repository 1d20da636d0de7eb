/**
 * Replay throughput (issue: 1,000 workloads × 4 sites × a year at 1 h, and 100 × 4 × a year at
 * 5 min). Each case runs in its own process so peak RSS is its own. Printed per case: wall
 * time of the replay loop, workload-site-steps per second, peak RSS, and the ratio to a floor
 * measured in the same process: a bare loop over the same typed arrays doing only one step's
 * arithmetic (demand share, instances needed, served, unserved, cost). Target ≤ 3×, < 1 GiB.
 * A third case has too few hosts and too small quotas for its demand: the contention rule runs
 * at nearly every step, and its ratio to the same floor shows what that costs (no target).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { analyzePaths } from '../engine/lint/lint';
import { replay } from '../engine/replay/replay';
import { planRun } from '../engine/replay/scenario-plan';
import { buildDemand } from '../engine/replay/simulate';
import { TraceCache } from '../engine/traffic/trace-file';
import { stepCount } from '../engine/traffic/traffic';
import { writeWorkspace } from './generate';

export const REPLAY_CASES: { name: string; workloads: number; horizonDays: number; step: string; capacity?: { hosts: number; quota: number }; target?: number }[] = [
  { name: '1000 workloads x 4 sites x 1 year @ 1h', workloads: 1000, horizonDays: 365, step: '1h', target: 3 },
  { name: '100 workloads x 4 sites x 1 year @ 5m', workloads: 100, horizonDays: 365, step: '5m', target: 3 },
  // both OpenStack sites at 98 % of their disk at peak and both quotas binding: the contention rule at nearly every step
  // (allocation.ts), which the floor does not do; its ratio shows what contention costs, with no target
  { name: '100 workloads x 4 sites x 1 year @ 1h, contended (6 hosts an aggregate, quotas of 1,000 vCPUs)', workloads: 100, horizonDays: 365, step: '1h', capacity: { hosts: 6, quota: 1000 } },
];

/** The floor: one step's arithmetic per pair, same array shapes, no packing/lag/outage logic. */
function floorLoop(demand: Float64Array[], share: Float64Array, pairW: Int32Array, capEff: Float64Array, cap: Float64Array, minI: Float64Array, price: Float64Array, steps: number): number {
  const P = share.length;
  const served = new Float64Array(P);
  const unserved = new Float64Array(P);
  const cost = new Float64Array(P);
  const peak = new Float64Array(P);
  for (let t = 0; t < steps; t++) {
    for (let p = 0; p < P; p++) {
      const D = demand[pairW[p]][t] * share[p];
      let n = Math.ceil(D / capEff[p]);
      if (n < minI[p]) n = minI[p];
      const c = n * cap[p];
      const s = D < c ? D : c;
      served[p] += s;
      unserved[p] += D - s;
      cost[p] += n * price[p];
      if (n > peak[p]) peak[p] = n;
    }
  }
  let x = 0;
  for (let p = 0; p < P; p++) x += served[p] + unserved[p] + cost[p] + peak[p];
  return x;
}

export function runCase(index: number): void {
  const c = REPLAY_CASES[index];
  const { dir } = writeWorkspace({ workloads: c.workloads, horizonDays: c.horizonDays, step: c.step, capacity: c.capacity });
  const a = analyzePaths([dir], { cwd: dir });
  if (a.diagnostics.some((d) => d.severity === 'error')) throw new Error('generated workspace has errors');
  const plan = planRun(a.model, undefined, new TraceCache());
  const steps = stepCount(plan.horizon);
  const t0 = performance.now();
  const { demand } = buildDemand(plan, steps);
  const tDemand = performance.now() - t0;
  // pairs for the floor: every (workload, share site)
  const share: number[] = [], pairW: number[] = [], capEff: number[] = [], cap: number[] = [], minI: number[] = [], price: number[] = [];
  plan.workloads.forEach((w, i) => {
    for (const [, p] of plan.placement.workloads.get(w.name)!.shares) {
      share.push(p / 100); pairW.push(i); capEff.push(w.capacityPerInstance * w.targetUtilization); cap.push(w.capacityPerInstance); minI.push(w.minInstances); price.push(0.236 / 12);
    }
  });
  const P = share.length;
  // Floor and replay alternate, 7 rounds, best of each: a busy machine slows both alike.
  const F64 = Float64Array;
  const floorArgs = [F64.from(share), Int32Array.from(pairW), F64.from(capEff), F64.from(cap), F64.from(minI), F64.from(price)] as const;
  let floor = Infinity;
  let replayMs = Infinity;
  for (let round = 0; round < 7; round++) {
    let t = performance.now();
    floorLoop(demand, ...floorArgs, steps);
    floor = Math.min(floor, performance.now() - t);
    t = performance.now();
    replay({ model: a.model, placement: plan.placement, horizon: plan.horizon, steps, workloads: plan.workloads, demand, events: [], exchangeRates: plan.exchangeRates, buckets: 480 });
    replayMs = Math.min(replayMs, performance.now() - t);
  }
  const rss = process.resourceUsage().maxRSS / 1024; // KiB → MiB
  fs.rmSync(dir, { recursive: true, force: true });
  const cells = P * steps;
  console.log(JSON.stringify({ name: c.name, pairs: P, steps, demandMs: tDemand, replayMs, floorMs: floor, cellsPerSecond: cells / (replayMs / 1000), ratio: replayMs / floor, peakRssMiB: rss }));
}

export function benchReplay(): void {
  for (let i = 0; i < REPLAY_CASES.length; i++) {
    const out = execFileSync(process.execPath, ['--max-old-space-size=4096', __filename.replace(/replay-bench\.js$/, 'run.js'), '--replay-case', String(i)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    console.log(`${r.name}: ${r.pairs} workload-site pairs × ${r.steps.toLocaleString('en-US')} steps`);
    console.log(`  replay ${(r.replayMs / 1000).toFixed(2)} s (best of 7, alternating with the floor) · ${(r.cellsPerSecond / 1e6).toFixed(1)} M workload-site-steps/s · demand generation ${(r.demandMs / 1000).toFixed(2)} s`);
    const target = REPLAY_CASES[i].target;
    const against = target === undefined ? 'no target: what contention costs over the floor' : `target ≤ ${target}×: ${r.ratio <= target ? 'met' : 'MISSED'}`;
    console.log(`  floor ${(r.floorMs / 1000).toFixed(2)} s · ratio ${r.ratio.toFixed(2)}× (${against}) · peak RSS ${r.peakRssMiB.toFixed(0)} MiB (target < 1024: ${r.peakRssMiB < 1024 ? 'met' : 'MISSED'})`);
  }
}

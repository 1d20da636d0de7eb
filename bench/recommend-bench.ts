/**
 * The optimizer on 2,000 workloads × 4 sites (target: under 30 s), and Monte Carlo on 2 worker
 * threads against 1 (target: at least 1.6× faster), both measured in this run.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { analyzePaths } from '../engine/lint';
import { replayContext, runMonteCarlo } from '../engine/monte-carlo';
import { optimizePlacement } from '../engine/optimizer';
import { simulate } from '../engine/simulate';
import { writeWorkspace } from './generate';

export async function benchOptimizer(): Promise<void> {
  const { dir } = writeWorkspace({ workloads: 2000, horizonDays: 30, step: '1h' });
  const a = analyzePaths([dir], { cwd: dir });
  const sim = simulate(a, { buckets: 0 });
  const p = sim.plan;
  const t = performance.now();
  const opt = await optimizePlacement({ model: a.model, placement: p.placement, workloads: p.workloads, demand: sim.demand, horizon: p.horizon, exchangeRates: p.exchangeRates, events: [], limitLagLoss: true });
  const ms = performance.now() - t;
  console.log(`optimizer, 2000 workloads × 4 sites × ${sim.steps} steps, N-1 and lag limits: ${opt.status} in ${(ms / 1000).toFixed(2)} s (${opt.columns.toLocaleString('en-US')} columns, ${opt.rows.toLocaleString('en-US')} rows) · target < 30 s: ${ms < 30000 ? 'met' : 'MISSED'}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

export async function benchMonteCarlo(): Promise<void> {
  const { dir } = writeWorkspace({ workloads: 100, horizonDays: 30, step: '5m' });
  const a = analyzePaths([dir], { cwd: dir });
  const sim = simulate(a, { buckets: 0 });
  const job = { context: replayContext(a.model, sim.plan), runs: 96, seed: 7, demandNoise: 0.1 };
  const time = async (workers: number) => {
    const t = performance.now();
    const s = await runMonteCarlo(job, sim.demand, workers);
    return { ms: performance.now() - t, s };
  };
  const one = await time(1);
  const two = await time(2);
  const speedup = one.ms / two.ms;
  const same = JSON.stringify(one.s.outcomes) === JSON.stringify(two.s.outcomes);
  console.log(`Monte Carlo, 100 workloads × 4 sites × ${sim.steps} steps × ${job.runs} runs: 1 worker ${(one.ms / 1000).toFixed(2)} s, 2 workers ${(two.ms / 1000).toFixed(2)} s`);
  console.log(`  speed-up ${speedup.toFixed(2)}× (target ≥ 1.6×: ${speedup >= 1.6 ? 'met' : 'MISSED'}) · identical results: ${same ? 'yes' : 'NO'}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The optimizer on 2,000 workloads × 4 sites (target: under 30 s), and Monte Carlo on 2 worker
 * threads against 1 (target: at least 1.6× faster), both measured in this run.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { analyzePaths } from '../engine/lint/lint';
import { replayContext, runMonteCarlo } from '../engine/replay/monte-carlo';
import { optimizePlacement } from '../engine/recommend/optimizer';
import { simulate } from '../engine/replay/simulate';
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
    const s = await runMonteCarlo(job, sim.baseDemand, workers);
    return { ms: performance.now() - t, s };
  };
  // Alternate, best of two each: this machine's timings drift by tens of percent between runs.
  const one1 = await time(1);
  const two1 = await time(2);
  const one2 = await time(1);
  const two2 = await time(2);
  const one = one1.ms <= one2.ms ? one1 : one2;
  const two = two1.ms <= two2.ms ? two1 : two2;
  const speedup = one.ms / two.ms;
  const machine = await machineScaling(sim.demand.length, sim.steps);
  const same = JSON.stringify(one.s.outcomes) === JSON.stringify(two.s.outcomes);
  console.log(`Monte Carlo, 100 workloads × 4 sites × ${sim.steps} steps × ${job.runs} runs: 1 worker ${(one.ms / 1000).toFixed(2)} s, 2 workers ${(two.ms / 1000).toFixed(2)} s`);
  console.log(`  speed-up ${speedup.toFixed(2)}× (target ≥ 1.6×: ${speedup >= 1.6 ? 'met' : 'MISSED'}) · identical results: ${same ? 'yes' : 'NO'}`);
  console.log(`  machine reference: a bare typed-array loop of the same size runs ${machine.toFixed(2)}× faster on 2 threads than on 1 · Monte Carlo reaches ${((speedup / machine) * 100).toFixed(0)} % of that`);
  // the uncertainty model of format.md against per-step noise alone, same run, 2 workers
  const sites = [...a.model.sites.values()];
  const pub = sites.filter((s) => s.type === 'public').map((s) => s.name);
  const full = { ...job, noiseAutocorrelation: 0.9, demandLevel: 0.1, growthSd: 0.01, exchangeRates: { USD: 0.08 }, priceMultiplier: Object.fromEntries(pub.map((n) => [n, 0.05])), outages: pub.slice(0, 1).map((site) => ({ site, perYear: 2, duration: 4 * 3600 })) };
  const tNoise = performance.now();
  await runMonteCarlo(job, sim.baseDemand, 2);
  const noiseMs = performance.now() - tNoise;
  const tFull = performance.now();
  const fs2 = await runMonteCarlo(full, sim.baseDemand, 2);
  const fullMs = performance.now() - tFull;
  console.log(`  runs per second, 2 workers: per-step noise only ${(job.runs / (noiseMs / 1000)).toFixed(1)} · full model (level, AR(1), growth, FX, prices, random outages with twin replays) ${(job.runs / (fullMs / 1000)).toFixed(1)}; cost P10/P50/P90 spread ${(((fs2.cost.p90 - fs2.cost.p10) / fs2.cost.p50) * 100).toFixed(1)} % of P50`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Throughput of a bare loop over typed arrays (the replay floor's arithmetic) on 2 threads vs 1. */
async function machineScaling(workloads: number, steps: number): Promise<number> {
  const { Worker } = await import('worker_threads');
  const code = `const { parentPort, workerData } = require('worker_threads');
    const { W, T, reps } = workerData;
    const d = Array.from({ length: W }, (_, w) => Float64Array.from({ length: T }, (_, t) => 100 + ((w * 7 + t) % 50)));
    let acc = 0;
    for (let r = 0; r < reps; r++) for (let t = 0; t < T; t++) for (let w = 0; w < W; w++) {
      const D = d[w][t] * 0.3; const n = Math.ceil(D / 6); const c = n * 10; const s = D < c ? D : c; acc += s + (D - s) + n * 0.02;
    }
    parentPort.postMessage(acc);`;
  const run = (threads: number, reps: number) => {
    const t = performance.now();
    return Promise.all(Array.from({ length: threads }, () => new Promise((resolve, reject) => new Worker(code, { eval: true, workerData: { W: workloads * 4, T: steps, reps } }).on('message', resolve).on('error', reject)))).then(() => performance.now() - t);
  };
  const one = Math.min(await run(1, 16), await run(1, 16));
  const two = Math.min(await run(2, 8), await run(2, 8));
  return one / two;
}

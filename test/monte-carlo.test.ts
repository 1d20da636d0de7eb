/** The Monte Carlo model of format.md ("Monte Carlo"): factors drawn per run, quantiles that carry them, N-1 under random outages. */
import { strict as assert } from 'assert';
import { analyzePaths } from '../engine/lint/lint';
import { MonteCarloJob, replayContext, runMonteCarlo } from '../engine/replay/monte-carlo';
import { Rng } from '../engine/replay/rng';
import { simulate, unservedWeights } from '../engine/replay/simulate';
import { FIXTURES, tempWorkspace } from './helpers';
import { replay, Replayer } from '../engine/replay/replay';
import * as path from 'path';
import { placementWithShares } from '../engine/model/model';
import { constWorkload, doc, placement, publicSite, scenario } from './sim-helpers';

/** A public site in USD, reported in KRW at 1,400: one instance of 0.1 USD/h for one hour costs 140 KRW. */
function fxWorkspace(extraScenario = '') {
  const dir = tempWorkspace({
    'c.yaml': publicSite('cloud', 'autoscaling: { scaleOutDelaySeconds: 0 }\nquota: { vcpus: 100 }'),
    'w.yaml': constWorkload('api', 10),
    'p.yaml': placement('api: { shares: { cloud: 100 } }'),
    'settings.yaml': doc('Settings', 'settings', 'reportingCurrency: KRW\nexchangeRates: { USD: 1400 }'),
    'sc.yaml': scenario(extraScenario, '{ start: "2027-01-01T00:00:00Z", end: "2027-01-01T01:00:00Z", step: 1h }'),
  });
  const a = analyzePaths([dir], { cwd: dir });
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  return { a, sim: simulate(a) };
}

describe('Monte Carlo', function () {
  this.timeout(120000);

  it('with one exchange rate uncertain, each run costs 140 × exp(σ·z_r) KRW and the quantiles follow the normal ones', async () => {
    const { a, sim } = fxWorkspace();
    // deterministic: 1 instance × 0.1 USD × 1 h × 1,400 = 140 KRW
    assert.equal(Math.round(sim.result.siteCost[0] * 1e6) / 1e6, 140);
    const sigma = 0.08;
    const job: MonteCarloJob = { context: replayContext(a.model, sim.plan), runs: 2000, seed: 11, demandNoise: 0, exchangeRates: { USD: sigma } };
    const s = await runMonteCarlo(job, sim.baseDemand, 0);
    // run r draws exactly one normal (the USD factor) from Rng.stream(11, r): its cost is exact
    for (const r of [0, 1, 1999]) {
      const z = Rng.stream(11, r).normal();
      assert.ok(Math.abs(s.outcomes[r].cost - 140 * Math.exp(sigma * z)) < 1e-9, `run ${r}`);
    }
    // lognormal quantiles: 140 × exp(σ × Φ⁻¹(p)), Φ⁻¹(0.1) = −1.2816, Φ⁻¹(0.5) = 0, Φ⁻¹(0.9) = 1.2816
    // → 126.6, 140.0, 154.8 KRW; 2,000 runs put the sample quantiles within 1 %
    const near = (x: number, y: number) => assert.ok(Math.abs(x - y) / y < 0.01, `${x} vs ${y}`);
    near(s.cost.p10, 140 * Math.exp(sigma * -1.2816));
    near(s.cost.p50, 140);
    near(s.cost.p90, 140 * Math.exp(sigma * 1.2816));
    assert.equal(s.n1FailureProbability, null, 'no random outages configured');
  });

  it('gives the same runs for a seed with any number of workers, with every factor of the model drawn', async () => {
    const { a, sim } = fxWorkspace('growth: { perMonth: 0.02 }\n');
    const job: MonteCarloJob = {
      context: replayContext(a.model, sim.plan), runs: 12, seed: 5, demandNoise: 0.1, noiseAutocorrelation: 0.9, demandLevel: 0.2, growthSd: 0.01,
      exchangeRates: { USD: 0.05 }, priceMultiplier: { cloud: 0.05 }, outages: [{ site: 'cloud', perYear: 2000, duration: 1800 }],
    };
    const zero = await runMonteCarlo(job, sim.baseDemand, 0);
    const two = await runMonteCarlo(job, sim.baseDemand, 2);
    assert.deepEqual(two.outcomes, zero.outcomes);
    // level, FX and prices are drawn per run: the spread is real (not averaged away)
    assert.ok(zero.cost.p90 / zero.cost.p10 > 1.1, `${zero.cost.p10} … ${zero.cost.p90}`);
  });

  it('counts an N-1 failure when a random outage of the only site leaves demand unserved beyond detection', async () => {
    // One public site carries everything, one hour at 5-minute steps, detection 30 s (one step). 2,000 outages a
    // year: λ = 2000 × 3600 / 31,556,952 = 0.228 per run. An outage fails N-1 when a step after its detection step is
    // still inside it, i.e. when it starts before the hour's last 5 minutes: nothing else can serve that demand.
    const dir = tempWorkspace({
      'c.yaml': publicSite('cloud', 'autoscaling: { scaleOutDelaySeconds: 0 }\nquota: { vcpus: 100 }'),
      'w.yaml': constWorkload('api', 10),
      'p.yaml': placement('api: { shares: { cloud: 100 } }'),
      'sc.yaml': scenario(),
    });
    const a = analyzePaths([dir], { cwd: dir });
    const sim = simulate(a);
    const job: MonteCarloJob = { context: replayContext(a.model, sim.plan), runs: 400, seed: 3, demandNoise: 0, outages: [{ site: 'cloud', perYear: 2000, duration: 1800 }] };
    const s = await runMonteCarlo(job, sim.baseDemand, 0);
    const lastStep = sim.plan.horizon.end - 300;
    for (const o of s.outcomes) assert.equal(o.n1Failed ?? false, o.outageStarts.some((t) => Math.floor(t / 300) * 300 < lastStep), String(o.outageStarts));
    assert.equal(s.n1FailureProbability, s.outcomes.filter((o) => o.n1Failed).length / 400);
    // runs with at least one outage: near 1 − e^−0.228 = 0.204
    const share = s.outcomes.filter((o) => o.outages > 0).length / s.outcomes.length;
    assert.ok(Math.abs(share - (1 - Math.exp(-2000 * 3600 / 31_556_952))) < 0.06, String(share));
  });
});

describe('Monte Carlo in shards', function () {
  this.timeout(180000);
  it('4 shards run as separate processes merge into exactly the report an unsharded run writes', () => {
    const { spawnSync } = require('child_process') as typeof import('child_process');
    const path = require('path') as typeof import('path');
    const fs = require('fs') as typeof import('fs');
    const { REPO, FIXTURES } = require('./helpers') as typeof import('./helpers');
    const dir = tempWorkspace({});
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'headroom.js'), ...args], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r;
    };
    const ws = path.join(FIXTURES, 'toss-hybrid');
    const common = ['simulate', ws, '--scenario', 'growth-2027', '--runs', '8', '--seed', '3', '--no-series'];
    cli([...common, '--json', '--out', 'whole.json']);
    for (let i = 0; i < 4; i++) cli([...common, '--shard', `${i}/4`, '--out', `part-${i}.json`]);
    // run r lands in shard r mod 4: part-1 holds runs 1 and 5
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'part-1.json'), 'utf8')).outcomes.map((x: [number, unknown]) => x[0]), [1, 5]);
    cli(['merge', 'part-2.json', 'part-0.json', 'part-3.json', 'part-1.json', '--out', 'merged.json']);
    assert.equal(fs.readFileSync(path.join(dir, 'merged.json'), 'utf8'), fs.readFileSync(path.join(dir, 'whole.json'), 'utf8'));
    // a missing shard, or one given twice, is refused
    const miss = spawnSync(process.execPath, [path.join(REPO, 'bin', 'headroom.js'), 'merge', 'part-0.json', 'part-1.json', 'part-1.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(miss.status, 1);
    assert.match(miss.stderr, /shard 1\/4 is given twice/);
    // unserved demand per unit, never added: the fixture's workloads are in rps, cpu-percent, bytes/s and jobs; each run's
    // per-unit amounts add up to its all-units figure (to the cent of rounding), and the P50 per unit is that unit's median run
    const mc = JSON.parse(fs.readFileSync(path.join(dir, 'whole.json'), 'utf8')).monteCarlo;
    assert.deepEqual(Object.keys(mc.unservedByUnit), ['bytes', 'cpu-percent·s', 'jobs·s', 'requests']);
    for (const run of mc.perRun) {
      const sum = Object.values(run.unservedByUnit as Record<string, number>).reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(sum - run.unservedRequests) <= 0.05, `${sum} vs ${run.unservedRequests}`);
    }
    const jobs = mc.perRun.map((r: { unservedByUnit: Record<string, number> }) => r.unservedByUnit['jobs·s']).sort((x: number, y: number) => x - y);
    assert.equal(mc.unservedByUnit['jobs·s'].p50, Math.round(((jobs[3] + jobs[4]) / 2) * 100) / 100); // 8 runs: the mean of the 4th and 5th
    // a part written by an earlier format is refused, with what to do
    const part = JSON.parse(fs.readFileSync(path.join(dir, 'part-0.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'old-0.json'), JSON.stringify({ ...part, format: 'headroom-monte-carlo-part/1' }));
    const old = spawnSync(process.execPath, [path.join(REPO, 'bin', 'headroom.js'), 'merge', 'old-0.json', 'part-1.json', 'part-2.json', 'part-3.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(old.status, 1);
    assert.match(old.stderr, /old-0\.json was written by another version of headroom \(headroom-monte-carlo-part\/1, this one reads headroom-monte-carlo-part\/2\): run its shard again/);
    // the summary prints each unit on its own line, and no sum across units
    const text = cli([...common]).stdout;
    assert.match(text, /^ {2}unserved requests +P10 .* · P50 .* · P90 /m);
    assert.doesNotMatch(text, /all units added/);
  });
});

describe('Replayer (one replay state for many runs)', function () {
  this.timeout(120000);
  it('a run after others gives what a fresh replay gives, to the bit: other events, exchange rates and noise each time', () => {
    const FIX = path.join(FIXTURES, 'toss-hybrid');
    const a = analyzePaths([FIX], { cwd: FIX });
    const base = simulate(a, { scenario: 'default' });
    const p = base.plan;
    const shape = { model: a.model, placement: p.placement, horizon: p.horizon, steps: base.steps, workloads: p.workloads, demand: base.demand, events: p.scenario.events, exchangeRates: p.exchangeRates, buckets: 480, unservedWeight: unservedWeights(base.stats) };
    const replayer = new Replayer(shape);
    const runs = [
      { events: simulate(a, { scenario: 'aws-outage-at-peak' }).plan.scenario.events, exchangeRates: p.exchangeRates },
      { events: simulate(a, { scenario: 'pangyo-az1-outage' }).plan.scenario.events, exchangeRates: { ...p.exchangeRates, USD: 1500 } },
      { events: p.scenario.events, exchangeRates: p.exchangeRates, noise: { sigma: 0.1, rng: new Rng(4), rho: 0.5 } },
      { events: p.scenario.events, exchangeRates: p.exchangeRates },
    ];
    for (const [i, r] of runs.entries()) {
      const reused = replayer.run({ demand: base.demand, ...r, noise: r.noise && { ...r.noise, rng: new Rng(4) } });
      const fresh = replay({ ...shape, ...r, noise: r.noise && { ...r.noise, rng: new Rng(4) } });
      assert.deepEqual(reused, fresh, `run ${i}`);
    }
    // the last run had the default scenario's events and rates: the simulation's own result
    assert.deepEqual(replayer.run({ demand: base.demand, events: p.scenario.events, exchangeRates: p.exchangeRates }), base.result);
  });

  it('replay() refills the previous replay\'s state for one of the same size and hands back a result of its own: each equals a fresh replay, and later replays leave it alone', () => {
    const FIX = path.join(FIXTURES, 'toss-hybrid');
    const a = analyzePaths([FIX], { cwd: FIX });
    const sims = ['default', 'aws-outage-at-peak', 'fx-shock', 'growth-2027'].map((sc) => simulate(a, { scenario: sc }));
    const inputs = sims.map((sim) => ({ model: a.model, placement: sim.plan.placement, horizon: sim.plan.horizon, steps: sim.steps, workloads: sim.plan.workloads, demand: sim.demand, events: sim.plan.scenario.events, exchangeRates: sim.plan.exchangeRates, buckets: 480, unservedWeight: unservedWeights(sim.stats) }));
    // the same workloads with other shares (same pairs): a recommendation's second simulation
    const [name, wp] = [...inputs[0].placement.workloads].find(([, x]) => x.shares.size >= 2)!;
    const sites = [...wp.shares.keys()];
    const swapped = Object.fromEntries(sites.map((site, i) => [site, wp.shares.get(sites[(i + 1) % sites.length])!]));
    const shifted = { ...inputs[0], placement: placementWithShares(inputs[0].placement, { [name]: swapped }) };
    const results = [...inputs, shifted].map((input) => replay(input));
    const fresh = [...inputs, shifted].map((input) => new Replayer(input).run(input));
    results.forEach((r, i) => assert.deepEqual(r, fresh[i], `replay ${i}`));
    // the first result still holds its own numbers after four more replays refilled the state
    assert.deepEqual(results[0], sims[0].result);
    assert.notEqual(results[0].pairServed, results[1].pairServed);
  });

  it('a replay started from another\'s progress callback runs on its own state; both equal fresh replays', () => {
    const FIX = path.join(FIXTURES, 'toss-hybrid');
    const a = analyzePaths([FIX], { cwd: FIX });
    const sim = simulate(a, { scenario: 'default' });
    const input = { model: a.model, placement: sim.plan.placement, horizon: sim.plan.horizon, steps: sim.steps, workloads: sim.plan.workloads, demand: sim.demand, events: sim.plan.scenario.events, exchangeRates: sim.plan.exchangeRates, buckets: 480, unservedWeight: unservedWeights(sim.stats) };
    let inner: ReturnType<typeof replay> | undefined;
    const outer = replay({ ...input, onProgress: (f) => { if (!inner && f > 0.5) inner = replay(input); } });
    assert.ok(inner);
    assert.deepEqual(outer, sim.result);
    assert.deepEqual(inner, sim.result);
  });
});

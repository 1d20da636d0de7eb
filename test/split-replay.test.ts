/**
 * The replay split by sites over two threads (engine/replay/split-replay.ts, result-merge.ts)
 * against the one-thread replay of the same run: per pair and per site to the bit, per workload
 * sums to rounding, SLO violations counted once per workload and step across the two parts.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { analyzePaths } from '../engine/lint/lint';
import { replay, ReplayInput, ReplayResult } from '../engine/replay/replay';
import { planPairs } from '../engine/replay/pair-plan';
import { failoverCheck } from '../engine/replay/failover';
import { runShape, simulate } from '../engine/replay/simulate';
import { streamedRunBytes } from '../engine/model/limits';
import { likelySplit, MIN_PAIR_STEPS, placementAt, replayBySites, siteCut } from '../engine/replay/split-replay';
import { PACKED_WEIGHT, PUBLIC_WEIGHT, QUOTA_BOUND_WEIGHT, siteWork } from '../engine/replay/site-work';
import { FIXTURES, tempWorkspace } from './helpers';
import { constWorkload, doc, placement, publicSite, scenario, smallPrivate } from './sim-helpers';

/**
 * Three sites: priv-a overflows to priv-b for `batch` (so the cut cannot fall between them),
 * pub-c with a 10-minute autoscaling lag, a 40-vCPU quota, a commitment and a spot workload.
 * Daily swings with noise overload each site at times: unserved demand and violations on all.
 */
const WORKSPACE = {
  'sites.yaml': [
    smallPrivate('priv-a', 2),
    smallPrivate('priv-b', 3),
    publicSite('pub-c', 'autoscaling: { scaleOutDelaySeconds: 600 }\nquota: { vcpus: 40 }\ncommitments:\n  - { instanceType: m.large, count: 3, hourly: 0.06 }'),
  ].join('---\n'),
  'workloads.yaml': [
    ...['api', 'web', 'search', 'feed'].map((n, i) => doc('Workload', n, `unit: rps
traffic: { synthetic: { baseline: ${120 + 40 * i}, dailyAmplitude: 0.6, noise: 0.15, seed: ${i + 1} } }
capacityPerInstance: 10
targetUtilization: 0.7
minInstances: 1
priority: ${i % 2}
flavor: small
instanceType: m.large`)),
    constWorkload('batch', 90),
  ].join('---\n'),
  'placement.yaml': placement(`api: { shares: { priv-a: 40, priv-b: 30, pub-c: 30 } }
web: { shares: { priv-a: 20, priv-b: 50, pub-c: 30 } }
search: { shares: { priv-b: 60, pub-c: 40 } }
feed: { shares: { priv-a: 50, pub-c: 50 }, purchase: spot }
batch: { shares: { priv-a: 100 }, overflowTo: priv-b }`),
  'scenario.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-08T00:00:00Z", step: 5m }'),
};

function inputOf(dir: string): ReplayInput {
  const a = analyzePaths([dir], { cwd: dir });
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 0, errors.map((d) => d.message).join('; '));
  const sim = simulate(a, { split: false });
  const p = sim.plan;
  return { model: a.model, placement: p.placement, horizon: p.horizon, steps: sim.steps, workloads: p.workloads, demand: sim.demand, events: p.scenario.events, exchangeRates: p.exchangeRates, buckets: 96 };
}

/** Per pair and per site to the bit; per workload sums and the step series to 1e-12 relative (another order of the same terms). */
function assertSameRun(split: ReplayResult, one: ReplayResult): void {
  const exact: (keyof ReplayResult)[] = ['pairs', 'pairPeakInstances', 'pairPeakUtilization', 'pairCost', 'pairServed', 'pairUnserved', 'workloadCost', 'workloadViolations', 'siteCost', 'siteIdleCost', 'siteResources', 'sitePeakAlloc', 'sitePeakAllocAbs', 'sitePeakNeed', 'sitePeakNeedStep', 'siteNeedCrossStep', 'sitePeakNeedAbs', 'siteNeedMonthPeak', 'siteUtil', 'publicTypeRunning', 'stepViolations', 'sloViolationSteps', 'siteMonthCost', 'pairMonthCost', 'months', 'siteSeries', 'pairRunningVcpus', 'workloadDemandMax', 'workloadDemandMean'];
  for (const k of exact) assert.deepEqual(split[k], one[k], k);
  assert.deepEqual(split.sites.map((s) => s.name), one.sites.map((s) => s.name));
  const close = (x: ArrayLike<number>, y: ArrayLike<number>, what: string) => {
    assert.equal(x.length, y.length, what);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-12 * Math.max(1, Math.abs(y[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
  };
  close(split.workloadUnserved, one.workloadUnserved, 'workloadUnserved');
  close(split.stepUnserved, one.stepUnserved, 'stepUnserved');
  split.workloadMonthCost.forEach((x, w) => close(x, one.workloadMonthCost[w], `workloadMonthCost ${w}`));
  split.workloadUnservedSeries.forEach((x, w) => close(x, one.workloadUnservedSeries[w], `workloadUnservedSeries ${w}`));
}

describe('replay split by sites over two threads', function () {
  this.timeout(120000);

  it('gives the one-thread replay: per pair and per site to the bit, violations counted once per workload and step', () => {
    const dir = tempWorkspace(WORKSPACE);
    const input = inputOf(dir);
    const one = replay(input);
    // the run exercises the merge: unserved demand and violations at the private sites and the public one
    const plan = planPairs(input.model, input.placement, input.workloads);
    const unservedAt = (site: string) => plan.pairs.reduce((x, p, i) => x + (plan.sites[p.site].name === site ? one.pairUnserved[i] : 0), 0);
    assert.ok(unservedAt('priv-b') > 0 && unservedAt('pub-c') > 0, 'unserved on both sides of the cut');
    assert.ok(one.sloViolationSteps > 0);
    let cut = -1;
    let byWorker = false;
    const split = replayBySites(input, { split: true, onSplit: (k, w) => ((cut = k), (byWorker = w)) }).result;
    // sites in model order: priv-a, priv-b, pub-c; batch overflows priv-a → priv-b, so the only cut is before pub-c
    assert.equal(cut, 2);
    assert.ok(byWorker, 'the worker thread replayed pub-c');
    assertSameRun(split, one);
    // a workload violating at both parts in one step counts once: the steps in violation equal the one-thread count
    assert.equal(split.sloViolationSteps, one.sloViolationSteps);
    // and the split run is deterministic
    assert.deepEqual(replayBySites(input, { split: true }).result, split);
  });

  it('runs the N-1 check on whichever thread is done first, with the result failoverCheck gives', () => {
    const dir = tempWorkspace(WORKSPACE);
    const input = inputOf(dir);
    const peaks = Float64Array.from(input.workloads, (_w, i) => Math.max(...(input.demand as Float64Array[])[i]));
    const want = failoverCheck(input.model, input.placement, input.workloads, peaks, input.events);
    assert.ok(want.some((f) => !f.survives), 'a loss this workspace does not survive (the check has something to say)');
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      let by: string | undefined;
      const { failover } = replayBySites(input, { split: true, onSplit: (_k, _w, checkedBy) => (by = checkedBy) }, peaks);
      assert.deepEqual(failover, want);
      seen.add(by!);
    }
    assert.ok([...seen].every((b) => b === 'worker' || b === 'here'), [...seen].join());
    // one thread: after the replay
    assert.deepEqual(replayBySites(input, { split: false }, peaks).failover, want);
  });

  it('simulate splits large runs by itself and gives the same report numbers as one thread', () => {
    const dir = tempWorkspace({ ...WORKSPACE, 'scenario.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2029-01-01T00:00:00Z", step: 5m }') });
    const a = analyzePaths([dir], { cwd: dir });
    // 12 pairs (priv-a 4, priv-b 4 with batch's overflow, pub-c 4) × 210,528 steps (731 days, 2028 being a leap year, × 288 steps of 5 min)
    // = 2.5 M pair-steps: below MIN_PAIR_STEPS (8 M) the run is not split
    const plan = planPairs(a.model, a.model.placements.get('p')!, [...a.model.workloads.values()].sort((x, y) => (x.name < y.name ? -1 : 1)));
    assert.equal(plan.pairs.length, 12);
    assert.ok(12 * 210_528 < MIN_PAIR_STEPS);
    const auto = simulate(a);
    assert.equal(auto.result.violationBits.length, 0, 'not split');
    const forced = simulate(a, { split: true });
    assert.equal(forced.result.violationBits.length, 210_528 * 1, 'split: one word of violation bits per step for 5 workloads');
    assertSameRun(forced.result, auto.result);
    assert.deepEqual(forced.failover, auto.failover);
  });

  it('is not split where sites are coupled within a step or the work is too small', () => {
    const dir = tempWorkspace(WORKSPACE);
    const input = inputOf(dir);
    const plan = planPairs(input.model, input.placement, input.workloads);
    // pair work (site-work.ts, without peaks): priv-a 4 pairs (api, web, feed, batch), priv-b 4 (api, web, search, batch's
    // overflow), pub-c 4 × 1.55 = 6.2 (total 14.2); cut 1 would split batch's overflow, cut 2 gives max(8, 6.2) = 8 with
    // the smaller part 44 % ≥ 20 %
    assert.equal(siteCut(input, plan, true), 2);
    assert.equal(siteCut(input, plan), -1, '12 pairs × 2,016 steps is below MIN_PAIR_STEPS');
    // an outage moves a lost site's share to the others
    assert.equal(siteCut({ ...input, events: [{ type: 'siteOutage', site: 'pub-c', start: input.horizon.start, duration: 3600, index: 0 }] }, plan, true), -1);
    // active-passive: the standby's role depends on the workload's first site
    assert.equal(siteCut({ ...input, placement: { ...input.placement, mode: 'active-passive' } }, plan, true), -1);
    // Monte Carlo noise is drawn workload by workload across all sites
    assert.equal(siteCut({ ...input, noise: { sigma: 0.1, rng: undefined as never } }, plan, true), -1);
    // overflow across every possible cut: the toss-hybrid fixture sends batch-report from pangyo to aws-seoul
    const fix = path.join(FIXTURES, 'toss-hybrid');
    const fa = analyzePaths([fix], { cwd: fix });
    const sim = simulate(fa, { split: true });
    assert.equal(sim.result.violationBits.length, 0, 'not split');
  });

  it('weighs each site by the replay work of its pairs: public 1.55 (15.5 where its quota binds at median demand), OpenStack 1 where the peaks surely fit its hosts, else 1.9', () => {
    const near = (got: Float64Array, want: number[]) => {
      assert.equal(got.length, want.length);
      want.forEach((x, i) => assert.ok(Math.abs(got[i] - x) < 1e-12, `site ${i}: ${got[i]} vs ${x}`));
    };
    const median = (d: Float64Array) => {
      const x = Float64Array.from(d).sort();
      return (x[(x.length - 1) >> 1] + x[x.length >> 1]) / 2;
    };
    const weigh = (files: Record<string, string>) => {
      const input = inputOf(tempWorkspace(files));
      const plan = planPairs(input.model, input.placement, input.workloads);
      const demand = input.demand as Float64Array[];
      const levels = { peak: Float64Array.from(demand, (d) => Math.max(...d)), median: Float64Array.from(demand, median) };
      const of = (name: string) => input.workloads.findIndex((w) => w.name === name);
      return { input, plan, levels, of };
    };
    assert.equal(PUBLIC_WEIGHT, 1.55);
    assert.equal(PACKED_WEIGHT, 1.9);
    assert.equal(QUOTA_BOUND_WEIGHT, 15.5);
    const tight = weigh(WORKSPACE);
    // sites in model order priv-a, priv-b, pub-c, 4 pairs each; without demand levels OpenStack pairs weigh 1, public 1.55
    near(siteWork(tight.input, tight.plan), [4, 4, 4 * 1.55]);
    // priv-a's 2 hosts hold 8 instances of small (8 vCPUs / 2 each); api alone needs more at its peak:
    // 40 % of its peak demand (above 200 rps) at 7 rps an instance (10 × 0.7) is 12 or more. So 1.9 a pair;
    // priv-b takes batch's overflow, which closes the one-pass path to it: 1.9 too
    const { peak, median: med } = tight.levels;
    assert.ok((peak[tight.of('api')] * 0.4) / 7 > 8);
    // pub-c's quota, 40 vCPUs, is passed at median demand: api, web, search and feed at 30, 30, 40 and 50 % of medians of
    // 114.5, 157.6, 195.7 and 233.2 rps, at 7 rps an instance, need 5, 7, 12 and 17 instances of m.large (2 vCPUs each):
    // 2 × 41 = 82 > 40
    const atMedian = (['api', 'web', 'search', 'feed'] as const).map((w, i) => Math.ceil((med[tight.of(w)] * [0.3, 0.3, 0.4, 0.5][i]) / 7));
    assert.deepEqual(atMedian, [5, 7, 12, 17]);
    near(siteWork(tight.input, tight.plan, tight.levels), [4 * 1.9, 4 * 1.9, 4 * 15.5]);
    // with 1,000 hosts priv-a's peaks surely fit (1 a pair), and with a quota of 1,000 vCPUs pub-c's never binds (1.55)
    const roomy = weigh({ ...WORKSPACE, 'sites.yaml': WORKSPACE['sites.yaml'].replace(smallPrivate('priv-a', 2), smallPrivate('priv-a', 1000)).replace('quota: { vcpus: 40 }', 'quota: { vcpus: 1000 }') });
    near(siteWork(roomy.input, roomy.plan, roomy.levels), [4, 4 * 1.9, 4 * 1.55]);
  });

  it('the CLI starts the worker early only for runs that will be split: large, and with no synthetic traffic to generate twice', () => {
    const long = '{ start: "2027-01-01T00:00:00Z", end: "2037-01-01T00:00:00Z", step: 5m }';
    // 12 pairs × 1,052,064 steps (ten years at 5 min, three leap days) = 12.6 M pair-steps ≥ MIN_PAIR_STEPS
    const synthetic = analyzePaths([tempWorkspace({ ...WORKSPACE, 'scenario.yaml': scenario('', long) })], {}).model;
    assert.equal(likelySplit(synthetic), false, 'synthetic traffic');
    const traced = { ...WORKSPACE, 'scenario.yaml': scenario('', long), 'workloads.yaml': WORKSPACE['workloads.yaml'].replace(/traffic: \{ synthetic: \{[^\n]*\n/g, 'traffic: { trace: t.csv }\n').replace(/traffic: \{ synthetic: \{ baseline: 90 \} \}/, 'traffic: { trace: t.csv }'), 't.csv': 'timestamp,value\n2027-01-01T00:00:00Z,1\n' };
    const model = analyzePaths([tempWorkspace(traced)], {}).model;
    assert.equal([...model.workloads.values()].filter((w) => w.traffic.kind === 'trace').length, 5);
    assert.equal(likelySplit(model), true);
    assert.equal(likelySplit(model, 'no-such-scenario'), false, 'the plan reports the name');
    const short = analyzePaths([tempWorkspace({ ...traced, 'scenario.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2028-01-01T00:00:00Z", step: 5m }') })], {}).model;
    assert.equal(likelySplit(short), false, '12 × 105,120 = 1.3 M pair-steps');
  });

  it('is not split when the split\'s own memory (each part\'s violation bits, the worker\'s part of the run) would pass HEADROOM_MEMORY_LIMIT', () => {
    const dir = tempWorkspace({ ...WORKSPACE, 'scenario.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-04-01T00:00:00Z", step: 5m }') });
    const a = analyzePaths([dir], { cwd: dir });
    const one = simulate(a, { split: false, buckets: 0 });
    const steps = one.steps;
    const held = streamedRunBytes(runShape(one.plan, steps, 0));
    // the run itself fits a limit 1 MiB above its estimate; the split needs 3 × steps × 4 B of bits (5 workloads: one word a
    // step) and the worker's part of the run, about the estimate again without traces: more than 1 MiB
    const before = process.env.HEADROOM_MEMORY_LIMIT;
    process.env.HEADROOM_MEMORY_LIMIT = String(held + 2 ** 20);
    try {
      assert.equal(simulate(a, { split: true, buckets: 0 }).result.violationBits.length, 0, 'not split');
    } finally {
      if (before === undefined) delete process.env.HEADROOM_MEMORY_LIMIT;
      else process.env.HEADROOM_MEMORY_LIMIT = before;
    }
    assert.equal(simulate(a, { split: true, buckets: 0 }).result.violationBits.length, steps, 'split within the default limit');
  });

  it('turns V8\'s on-stack replacement off for the split and on again after it, also when the split throws; not from a worker thread', () => {
    // a child node with --trace-osr: a function with one long loop, called once, is replaced on
    // the stack ("OSR - compilation started") unless it runs inside withoutOsr
    const script = `
      const { withoutOsr } = require(${JSON.stringify(path.join(__dirname, '..', 'engine', 'replay', 'without-osr'))});
      function spin(tag) { let x = 0; for (let i = 0; i < 3e7; i++) x += i % 7; process.stdout.write(tag + ' ' + (x > 0) + '\\n'); }
      function spin2(tag) { let x = 0; for (let i = 0; i < 3e7; i++) x += i % 5; process.stdout.write(tag + ' ' + (x > 0) + '\\n'); }
      try { withoutOsr(() => { spin('inside'); throw new Error('part failed'); }); } catch { process.stdout.write('thrown\\n'); }
      spin2('after');`;
    const r = spawnSync(process.execPath, ['--trace-osr', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const at = (tag: string) => lines.findIndex((l) => l.startsWith(tag));
    const osr = (from: number, to: number) => lines.slice(from, to).filter((l) => /OSR - compilation started/.test(l)).length;
    assert.ok(at('inside') >= 0 && at('thrown') > at('inside') && at('after') > at('thrown'), r.stdout);
    assert.equal(osr(0, at('inside')), 0, 'no loop replaced while OSR is off');
    assert.ok(osr(at('thrown'), at('after')) >= 1, 'the loop after the split is replaced again');
    // on a worker thread (an editor's simulation) the process's flags are left alone: its loop is replaced
    const inWorker = `
      const { Worker } = require('worker_threads');
      new Worker(${JSON.stringify(`const { withoutOsr } = require(${JSON.stringify(path.join(__dirname, '..', 'engine', 'replay', 'without-osr'))});
        withoutOsr(() => { let x = 0; for (let i = 0; i < 3e7; i++) x += i % 3; process.stdout.write('worker ' + (x > 0) + '\\n'); });`)}, { eval: true });`;
    const w = spawnSync(process.execPath, ['--trace-osr', '-e', inWorker], { encoding: 'utf8' });
    assert.equal(w.status, 0, w.stderr);
    const lines2 = w.stdout.split('\n');
    assert.ok(lines2.slice(0, lines2.findIndex((l) => l.startsWith('worker true'))).some((l) => /OSR - compilation started/.test(l)), w.stdout);
  });

  it('keeps only the part\'s shares and overflow site in each part\'s placement', () => {
    const dir = tempWorkspace(WORKSPACE);
    const input = inputOf(dir);
    const a = placementAt(input.placement, new Set(['priv-a', 'priv-b']));
    assert.deepEqual([...a.workloads.get('api')!.shares], [['priv-a', 40], ['priv-b', 30]]);
    assert.equal(a.workloads.get('batch')!.overflowTo, 'priv-b');
    const c = placementAt(input.placement, new Set(['pub-c']));
    assert.deepEqual([...c.workloads.get('batch')!.shares], []);
    assert.equal(c.workloads.get('batch')!.overflowTo, undefined);
    assert.equal(c.workloads.get('feed')!.purchase, 'spot');
  });
});

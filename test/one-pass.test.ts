/**
 * Steps settled in one pass (engine/replay/settle-openstack.ts, openStackBound and
 * settleWithinBound; settle-public.ts, settleLagged) against the two-pass settle of the same run
 * (ReplayInput.onePass false): every number of the result to the bit, and on small workspaces
 * which steps took one pass, counted by hand.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { analyzePaths } from '../engine/lint/lint';
import { Replayer, ReplayInput, ReplayResult } from '../engine/replay/replay';
import { simulate, unservedWeights } from '../engine/replay/simulate';
import { Rng } from '../engine/replay/rng';
import { FIXTURES, tempWorkspace } from './helpers';
import { constWorkload, doc, placement, publicSite, scenario, smallPrivate } from './sim-helpers';

function inputOf(dir: string, scenarioName?: string): ReplayInput {
  const a = analyzePaths([dir], { cwd: dir });
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 0, errors.map((d) => d.message).join('; '));
  const sim = simulate(a, { scenario: scenarioName, split: false });
  const p = sim.plan;
  return { model: a.model, placement: p.placement, horizon: p.horizon, steps: sim.steps, workloads: p.workloads, demand: sim.demand, events: p.scenario.events, exchangeRates: p.exchangeRates, buckets: 96, unservedWeight: unservedWeights(sim.stats) };
}

/** The run both ways, each on a Replayer of its own (a Replayer's result is overwritten by its next run). */
function bothWays(input: ReplayInput): { one: ReplayResult; two: ReplayResult; steps: { openstack: number; public: number } } {
  const r1 = new Replayer(input);
  const one = r1.run({ ...input, onePass: true });
  const two = new Replayer(input).run({ ...input, onePass: false });
  return { one, two, steps: r1.onePassSteps };
}

/** A trace of 12 five-minute steps from 2027-01-01 00:00 UTC. */
const trace = (values: number[]) => 'timestamp,value\n' + values.map((v, i) => `2027-01-01T00:${String(5 * i).padStart(2, '0')}:00Z,${v}`).join('\n') + '\n';

describe('steps settled in one pass', function () {
  this.timeout(120000);

  it('an OpenStack site packs by the bound of its chunk: one pass where the busiest step surely fits, two where it may not', () => {
    // small: 2 vCPU, 4096 MiB; a host: 32 vCPU (8 × 4.0) and 16,384 MiB; slack 1 − 4096 / 16384 = 0.75 per host.
    // surelyFits: Σ_r D_r / m_r ≤ hosts × 0.75 (× (1 − 1e-9), − 1e-9).
    // quiet: 70 rps at 10 per instance → 7 instances (peak 75 → 8): 8 × 2 / 32 + 8 × 4096 / 16384 = 2.5 ≤ 10 × 0.75 = 7.5:
    //   all 12 steps in one pass. The 12 steps are one chunk of demand (64 steps).
    // spiky: the same with 300 rps at step 5 → 30 instances: 30 × 2 / 32 + 30 × 4096 / 16384 = 9.375 > 7.5: the
    //   chunk's bound fails, so none of its steps take one pass, although the other 11 would surely fit.
    const files = (values: number[]) => ({
      's.yaml': smallPrivate('dc', 10),
      'w.yaml': doc('Workload', 'api', 'unit: rps\ntraffic: { trace: t.csv }\ncapacityPerInstance: 10\ntargetUtilization: 1.0\nminInstances: 1\nflavor: small\ninstanceType: m.large'),
      't.csv': trace(values),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
      'sc.yaml': scenario(),
    });
    const quiet = bothWays(inputOf(tempWorkspace(files([70, 70, 70, 75, 70, 70, 70, 70, 70, 70, 70, 70]))));
    assert.deepEqual(quiet.one, quiet.two);
    assert.deepEqual(quiet.steps, { openstack: 12, public: 0 });
    // 7 instances at 11 steps and 8 at one: peak 8
    assert.equal(quiet.one.pairPeakInstances[0], 8);
    const spiky = bothWays(inputOf(tempWorkspace(files([70, 70, 70, 70, 70, 300, 70, 70, 70, 70, 70, 70]))));
    assert.deepEqual(spiky.one, spiky.two);
    assert.deepEqual(spiky.steps, { openstack: 0, public: 0 });
    // 10 hosts × min(32 / 2, 16384 / 4096 = 4) = 40 fit: the spike's 30 run
    assert.equal(spiky.one.pairPeakInstances[0], 30);
  });

  it('a public site with an autoscaling lag settles in one pass from step 1, except where what runs passes the quota', () => {
    // lag 600 s at 5-minute steps: k = 2, r(t) = n(t − 2). Step 0 fills the ring: two passes. 20 rps at 10 per instance → 2
    // instances (4 vCPU) a step; 300 rps at step 5 → n(5) = 30 instances = 60 vCPU, which run at step 7.
    // No quota: steps 1–11 in one pass (11). Quota 40 vCPU: step 7 needs contention (60 > 40): two passes, 10 in one.
    const files = (extra: string) => ({
      's.yaml': publicSite('cloud', `autoscaling: { scaleOutDelaySeconds: 600 }\n${extra}commitments:\n  - { instanceType: m.large, count: 3, hourly: 0.06 }`),
      'w.yaml': doc('Workload', 'api', 'unit: rps\ntraffic: { trace: t.csv }\ncapacityPerInstance: 10\ntargetUtilization: 1.0\nminInstances: 1\ninstanceType: m.large\negressGiBPerMillionRequests: 0.5'),
      't.csv': trace([20, 20, 20, 20, 20, 300, 20, 20, 20, 20, 20, 20]),
      'p.yaml': placement('api: { shares: { cloud: 100 } }'),
      'sc.yaml': scenario(),
    });
    const open = bothWays(inputOf(tempWorkspace(files(''))));
    assert.deepEqual(open.one, open.two);
    assert.deepEqual(open.steps, { openstack: 0, public: 11 });
    // 30 instances run at step 7, two steps after the spike
    assert.equal(open.one.pairPeakInstances[0], 30);
    const capped = bothWays(inputOf(tempWorkspace(files('quota: { vcpus: 40 }\n'))));
    assert.deepEqual(capped.one, capped.two);
    assert.deepEqual(capped.steps, { openstack: 0, public: 10 });
    // the quota holds step 7 to 40 / 2 = 20 instances
    assert.equal(capped.one.pairPeakInstances[0], 20);
  });

  it('overflow, a binding quota, commitments, spot and a daily swing: the same numbers, with both paths taken', () => {
    // priv-a sends batch's overflow to priv-b (priv-b receives it: never one pass); pub-c has a 10-minute lag (k = 2) and a
    // 40-vCPU quota that binds at busy steps
    const dir = tempWorkspace({
      'sites.yaml': [smallPrivate('priv-a', 12), smallPrivate('priv-b', 3), publicSite('pub-c', 'autoscaling: { scaleOutDelaySeconds: 600 }\nquota: { vcpus: 40 }\ncommitments:\n  - { instanceType: m.large, count: 3, hourly: 0.06 }')].join('---\n'),
      'workloads.yaml': [
        ...['api', 'web', 'search', 'feed'].map((n, i) => doc('Workload', n, `unit: rps\ntraffic: { synthetic: { baseline: ${60 + 20 * i}, dailyAmplitude: 0.6, noise: 0.15, seed: ${i + 1} } }\ncapacityPerInstance: 10\ntargetUtilization: 0.7\nminInstances: 1\npriority: ${i % 2}\nflavor: small\ninstanceType: m.large`)),
        constWorkload('batch', 90),
      ].join('---\n'),
      'placement.yaml': placement('api: { shares: { priv-a: 40, priv-b: 30, pub-c: 30 } }\nweb: { shares: { priv-a: 20, priv-b: 50, pub-c: 30 } }\nsearch: { shares: { priv-b: 60, pub-c: 40 } }\nfeed: { shares: { priv-a: 50, pub-c: 50 }, purchase: spot }\nbatch: { shares: { priv-a: 100 }, overflowTo: priv-b }'),
      'scenario.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-08T00:00:00Z", step: 5m }'),
    });
    const { one, two, steps } = bothWays(inputOf(dir));
    assert.deepEqual(one, two);
    // 2,016 steps at each site: priv-a in one pass at some, pub-c at most from step 1 on, neither at all of them
    assert.ok(steps.openstack > 0 && steps.openstack < 2016, `OpenStack one-pass steps ${steps.openstack}`);
    assert.ok(steps.public > 0 && steps.public < 2015, `public one-pass steps ${steps.public}`);
    assert.ok(one.stepViolations.some((v) => v > 0) && one.workloadUnserved.some((u) => u > 0), 'the run leaves demand unserved');
  });

  it('the fixture: every scenario (outages, exchange rates, growth) and Monte Carlo noise give the same numbers', () => {
    const FIX = path.join(FIXTURES, 'toss-hybrid');
    for (const sc of ['default', 'aws-outage-at-peak', 'pangyo-az1-outage', 'fx-shock', 'growth-2027']) {
      const { one, two, steps } = bothWays(inputOf(FIX, sc));
      assert.deepEqual(one, two, sc);
      // the 5-minute quarter takes both paths (at 1 h, 64 steps of a tight fixture are too busy to surely pack)
      if (sc === 'default') assert.ok(steps.openstack > 0 && steps.public > 0, `${sc}: ${JSON.stringify(steps)}`);
    }
    const input = inputOf(FIX, 'default');
    const noisy = (onePass: boolean) => new Replayer(input).run({ ...input, onePass, noise: { sigma: 0.2, rng: new Rng(11), rho: 0.6, growthK: 1e-8 } });
    assert.deepEqual(noisy(true), noisy(false));
  });
});

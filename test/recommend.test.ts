/**
 * Recommendations: the LP against a brute-force search over shares, infeasible inputs explained
 * in words, commitments and host purchases by hand, Monte Carlo determinism across workers.
 */
import { strict as assert } from 'assert';
import Ajv from 'ajv';
import { readSchema } from '../engine/model/schema-validation';
import * as fs from 'fs';
import * as path from 'path';
import { adviseCommitments, optimalCommitment } from '../engine/recommend/commitments';
import { analyzePaths } from '../engine/lint/lint';
import { replayContext, runMonteCarlo } from '../engine/replay/monte-carlo';
import { OpenStackSite, PublicSite } from '../engine/model/model';
import { optimizePlacement } from '../engine/recommend/optimizer';
import { planPurchase } from '../engine/recommend/procurement';
import { recommend } from '../engine/recommend/recommend';
import { simulate } from '../engine/replay/simulate';
import { SECONDS_PER_MONTH } from '../engine/model/units';
import { run as runCli } from './cli-lint.test';
import { FIXTURES, tempWorkspace } from './helpers';
import { constWorkload, doc, placement, publicSite, scenario, smallPrivate } from './sim-helpers';

function workspace(files: Record<string, string>) {
  const dir = tempWorkspace(files);
  return { dir, a: analyzePaths([dir], { cwd: dir }) };
}

/**
 * dc (8 hosts, 32 small) and cloud (10-minute autoscaling lag); api 40 rps split 50/50; batch 30 rps
 * on dc with overflow to cloud and a ×2 burst at 00:20; optionally one more workload and its share.
 */
function lagWorkspace(more?: { workload: string; share: string }) {
  const burst = 'bursts: [{ at: "2027-01-01T00:20:00Z", duration: 10m, multiplier: 2 }]';
  return workspace({
    'dc.yaml': smallPrivate('dc', 8),
    'c.yaml': publicSite('cloud', 'autoscaling: { scaleOutDelaySeconds: 600 }'),
    'w.yaml': constWorkload('api', 40) + '---\n' + constWorkload('batch', 30).replace('baseline: 30 }', `baseline: 30, ${burst} }`) + (more ? '---\n' + more.workload : ''),
    'p.yaml': placement('api: { shares: { dc: 50, cloud: 50 } }\nbatch: { shares: { dc: 100 }, overflowTo: cloud }' + (more ? '\n' + more.share : '')),
    's.yaml': scenario(),
  });
}

describe('optimizer', function () {
  this.timeout(60000);

  it('matches a brute-force search over shares', async () => {
    // dc: 2 hosts of 8 vCPU / 16896 MiB → memory binds at 4 small per host, 32768 MiB schedulable.
    // headroom 25 % → 24576 MiB at the busiest step: 4096 × (10 x1 + 5 x2) ≤ 24576 → 10 x1 + 5 x2 ≤ 6.
    // w1: 100 rps / 10 → 10 instances; public cost 10 × 0.1 × 1 h = 1.00 + egress 360,000 req × 10 GiB/10⁶ × 0.1 = 0.36
    // w2: 50 rps / 10 → 5 instances; public cost 0.50.  minimize 1.36 (1 − x1) + 0.5 (1 − x2), 0.1 ≤ x ≤ 0.9.
    const { a } = workspace({
      'dc.yaml': smallPrivate('dc', 2),
      'c.yaml': publicSite('cloud', 'autoscaling: { scaleOutDelaySeconds: 0 }\negressPerGiB: 0.1'),
      'w1.yaml': constWorkload('w1', 100, 'egressGiBPerMillionRequests: 10'),
      'w2.yaml': constWorkload('w2', 50),
      'p.yaml': placement('w1: { shares: { dc: 50, cloud: 50 } }\nw2: { shares: { dc: 50, cloud: 50 } }', 'headroomTarget: 0.25\n'),
      's.yaml': scenario(),
    });
    const sim = simulate(a);
    const p = sim.plan;
    const opt = await optimizePlacement({ model: a.model, placement: p.placement, workloads: p.workloads, demand: sim.demand, horizon: p.horizon, exchangeRates: p.exchangeRates, events: [], n1: false });
    assert.equal(opt.status, 'optimal');
    // brute force on a 1 % grid of the same linear model
    let best = Infinity;
    let arg = [0, 0];
    for (let i = 10; i <= 90; i++) {
      for (let j = 10; j <= 90; j++) {
        const x1 = i / 100, x2 = j / 100;
        if (10 * x1 + 5 * x2 > 6 + 1e-9) continue;
        const cost = 1.36 * (1 - x1) + 0.5 * (1 - x2);
        if (cost < best - 1e-12) { best = cost; arg = [i, j]; }
      }
    }
    // x1 = (6 − 5 × 0.1) / 10 = 0.55, x2 = 0.1: cost 1.36 × 0.45 + 0.5 × 0.9 = 1.062
    assert.deepEqual(arg, [55, 10]);
    assert.ok(Math.abs(opt.objective - best) < 1e-6, `${opt.objective} vs ${best}`);
    assert.deepEqual(Object.fromEntries(opt.shares.get('w1')!), { cloud: 45, dc: 55 });
    assert.deepEqual(Object.fromEntries(opt.shares.get('w2')!), { cloud: 90, dc: 10 });
  });

  it('explains a sovereign workload with no sovereign site that can run it', async () => {
    const { a } = workspace({
      'c.yaml': publicSite('cloud'),
      'w.yaml': constWorkload('ledger', 10, 'dataClass: sovereign'),
      'p.yaml': placement('ledger: { shares: { cloud: 100 } }'),
      's.yaml': scenario(),
    });
    assert.ok(a.diagnostics.some((d) => d.rule === 'sovereign-placement'));
    const sim = simulate(a);
    const p = sim.plan;
    const opt = await optimizePlacement({ model: a.model, placement: p.placement, workloads: p.workloads, demand: sim.demand, horizon: p.horizon, exchangeRates: p.exchangeRates, events: [] });
    assert.equal(opt.status, 'infeasible');
    assert.match(opt.explanation[0], /^ledger holds sovereign data but no sovereign site can run it/);
  });

  it('explains an N-1 that cannot hold, and recommends the best placement without it', async () => {
    // 60 rps / 10 = 6 instances at peak. Losing dc leaves cloud with a 10 vCPU quota = 5 m.large < 6.
    const { a } = workspace({
      'dc.yaml': smallPrivate('dc', 2),
      'c.yaml': publicSite('cloud', 'autoscaling: { scaleOutDelaySeconds: 0 }\nquota: { vcpus: 10 }'),
      'w.yaml': constWorkload('api', 60),
      'p.yaml': placement('api: { shares: { dc: 50, cloud: 50 } }'),
      's.yaml': scenario(),
    });
    const out = await recommend(a);
    assert.deepEqual(out.optimizer.relaxed, ['N-1']);
    assert.match(out.optimizer.explanation.join(' '), /N-1 cannot hold when dc is lost: the other sites lack the vCPU, memory or another resource/);
    assert.equal(out.accepted, true);
    // dc is free (hosts are paid), so the optimum keeps only the 10 % minimum on cloud
    assert.deepEqual(out.shares, { api: { cloud: 10, dc: 90 } });
    const rec = out.report.recommendations.find((r) => r.kind === 'placement')!;
    assert.match(rec.message, /does not guarantee N-1/);
    assert.ok(rec.saving > 0);
  });

  it('--add-hosts: the hosts the program buys are in the re-simulation, its cost and the message', async () => {
    // dc: 2 hosts of 16,384 MiB schedulable (8 small); ledger (sovereign, dc only) needs 100 / 10 = 10 small = 40,960 MiB.
    // With 20 % headroom: 40,960 ≤ 0.8 × (32,768 + 16,384 x) → x ≥ 1.125 → 2 hosts. Without them in the replay the
    // candidate would leave the same 2 instances unserved and be refused; with them all 10 run (40,960 / 65,536 = 0.625).
    // Cost: 4 hosts against 2, each 4800 / 48 + 50 = 150 USD a month, for an hour: 2 × 150 × 3600 / 2,629,746 more.
    const { a } = workspace({
      'dc.yaml': smallPrivate('dc', 2),
      'w.yaml': constWorkload('ledger', 100, 'dataClass: sovereign'),
      'p.yaml': placement('ledger: { shares: { dc: 100 } }'),
      's.yaml': scenario(),
    });
    const out = await recommend(a, { addHosts: true });
    assert.equal(out.accepted, true, out.reason);
    const rec = out.report.recommendations.find((r) => r.kind === 'placement' && r.target === 'p')!;
    assert.deepEqual(rec.hostsBought, [{ site: 'dc', aggregate: 'agg', hosts: 2 }]);
    assert.match(rec.message, /^keep the shares of p with 2 host\(s\) bought now \(2 in dc agg; add them to the Site, the Placement carries only the shares\): .* \(costs 0\.41 USD\), no workload leaves more demand unserved/);
    assert.equal(out.recommended!.result.workloadUnserved[0], 0);
    // the advice is of the placement with those hosts, and says so
    assert.match(out.report.recommendations.find((r) => r.kind === 'headroom' && r.target === 'dc')!.message, /^dc with the hosts bought: memory binds: 37\.5 % spare/);
    assert.ok(out.current.result.workloadUnserved[0] > 0);
    const extra = out.recommendedReport!.totals.cost - out.report.totals.cost;
    assert.ok(Math.abs(extra - (2 * 150 * 3600) / SECONDS_PER_MONTH) < 0.011, String(extra));
  });

  it('names only the lost site whose N-1 is out of reach, each loss tested alone', async () => {
    // batch runs on dc with overflow to cloud: today it loses nothing to cloud's 10-minute
    // autoscaling lag, so its share on cloud must stay 0, and losing dc then leaves its load
    // nowhere (what leaves dc may only go where the workload runs). Losing cloud is fine: dc's
    // 8 hosts (32 small instances) take api's 4 and batch's 6 at their peaks (40 and 60 rps at
    // 10 per instance). The check of losing cloud alone used to carry dc's rows too, and named
    // cloud with dc's reason.
    const { a } = lagWorkspace();
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    const out = await recommend(a);
    assert.deepEqual(out.optimizer.relaxed, ['N-1']);
    assert.deepEqual(out.optimizer.explanation, ['N-1 cannot hold when dc is lost unless more load moves to public sites whose autoscaling lag would leave more demand unserved than today']);
  });

  it('names the workloads that run only on the lost site, so that more public load does not read as a cure for them', async () => {
    // The workspace above plus ledger, sovereign data at 20 rps (2 instances) on dc, the one
    // sovereign site: no share of it can move, so no placement holds N-1 for it, and the
    // explanation must not say that more load on public sites would. Losing cloud is still
    // fine: dc's 32 small instances take api 4 + batch 6 + ledger 2 = 12.
    const { a } = lagWorkspace({ workload: constWorkload('ledger', 20, 'dataClass: sovereign'), share: 'ledger: { shares: { dc: 100 } }' });
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    const out = await recommend(a);
    assert.deepEqual(out.optimizer.relaxed, ['N-1']);
    assert.deepEqual(out.optimizer.explanation, ['N-1 cannot hold when dc is lost: ledger runs only there, and the other workloads would need more load on public sites, whose autoscaling lag would leave more demand unserved than today']);
    assert.ok(out.report.recommendations.some((r) => r.kind === 'placement' && /can run only on dc \(sovereign data\)/.test(r.message)));
  });
});

/**
 * recommend --json on one OpenStack site, dc: 2 hosts of 32 vCPU and `hostMiB` MiB each, one flavor
 * `small`, one flat workload api of `rps` (10 rps per instance, target 1.0), headroomTarget 0.2,
 * two days at 1 h.
 */
async function recommendOnOneSite(hostMiB: number, flavor: string, rps: number) {
  const site = doc('Site', 'dc', `type: openstack
sovereign: true
aggregates:
  - { name: agg, availabilityZone: az1, hosts: 2, host: { vcpus: 32, memoryMiB: ${hostMiB}, diskGiB: 0 } }
flavors:
  - ${flavor}
cost: { hostCapex: 4800, amortizationMonths: 48, hostOpexMonthly: 50 }`);
  const dir = tempWorkspace({ 'dc.yaml': site, 'w.yaml': constWorkload('api', rps), 'p.yaml': placement('api: { shares: { dc: 100 } }', 'headroomTarget: 0.2\n'), 'sc.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-03T00:00:00Z", step: 1h }') });
  const r = await runCli(['recommend', dir, '--json', '--no-series']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

describe('commitments and host purchases', () => {
  it('a replay of one calendar month has no trend to project: no hosts, and it says why rather than "no growth"', async () => {
    // dc: 8 hosts, 131,072 MiB; api 40 rps = 4 small, 16,384 MiB: need 0.125, under the 0.8 line for the whole hour.
    // One month of peaks cannot be fitted, and the scenario sets no growth: nothing to project from.
    const dir = tempWorkspace({ 'dc.yaml': smallPrivate('dc', 8), 'w.yaml': constWorkload('api', 40), 'p.yaml': placement('api: { shares: { dc: 100 } }'), 's.yaml': scenario() });
    const out = await recommend(analyzePaths([dir], { cwd: dir }));
    const buy = out.report.recommendations.find((r) => r.kind === 'buy-hosts')!;
    assert.equal(buy.hosts, 0);
    assert.equal(buy.message, 'dc stays under 80 % of its memory (the binding resource: 87.5 % spare at its peak) in this replay, whose one calendar month gives no trend to project: no hosts to buy (a growth set in the scenario would plan them)');
  });

  it('commits up to where the usage-duration curve meets the price ratio', () => {
    // usage 0..9; ratio 0.63: P(u ≥ 3) = 7/10 ≥ 0.63, P(u ≥ 4) = 6/10 < 0.63 → 3
    assert.equal(optimalCommitment(Float64Array.from({ length: 10 }, (_, i) => i), 0.63), 3);
    const { a } = workspace({ 'c.yaml': publicSite('cloud').replace('spotHourly: 0.03 }', 'spotHourly: 0.03, reserved1yHourly: 0.06 }') });
    const site = a.model.sites.get('cloud') as PublicSite;
    // 10 hourly steps: 4 instances for 8 h, 0 for 2 h. ratio 0.06 / 0.1 = 0.6 → P(u ≥ 4) = 0.8 → 4
    // saving: 4 × 8 h × 0.1 − 4 × 10 h × 0.06 = 3.2 − 2.4 = 0.80
    const usage = Float64Array.from([4, 4, 4, 4, 0, 4, 4, 0, 4, 4]);
    const [adv] = adviseCommitments(site, new Map([['m.large', usage]]), 3600);
    assert.equal(adv.optimal, 4);
    assert.equal(adv.add, 4);
    assert.ok(Math.abs(adv.saving - 0.8) < 1e-9);
  });

  it('orders hosts before exhaustion at the scenario growth, rounded to minOrderHosts', () => {
    const { a } = workspace({ 'dc.yaml': smallPrivate('dc', 4, 'procurement: { leadTimeDays: 30, minOrderHosts: 4 }') });
    const site = a.model.sites.get('dc') as OpenStackSite;
    // 4 hosts × 32 vCPU = 128 vCPU, 65536 MiB. Need 64 vCPU, 8192 MiB flat in the one month replayed; growth 10 %/month;
    // headroom 0.2 → 102.4 vCPU. vCPU crosses ln(102.4 / 64) / ln(1.1) = 4.931 months after that month's start
    // (memory would take ln(52428.8 / 8192) / ln(1.1) = 19.5 months: vCPU binds)
    const flat = (resource: 'vcpus' | 'memoryMiB', capacity: number, peak: number) => ({ resource, capacity, peak, peakTime: 0, monthPeaks: [peak], monthStarts: [0] });
    const p = planPurchase(site, [flat('vcpus', 128, 64), flat('memoryMiB', 65536, 8192)], 0.2, 0.1, 30 * 86400);
    const months = Math.log(102.4 / 64) / Math.log(1.1);
    assert.ok(Math.abs(p.exhaustion! - months * SECONDS_PER_MONTH) < 1);
    assert.equal(p.binding, 'vcpus');
    assert.equal(p.observed, false);
    // a year later: 64 × 1.1^16.931 = 322.9 vCPU → / 0.8 = 403.6 − 128 = 275.6 → 9 hosts of 32 → 12 (multiple of 4)
    assert.equal(p.hosts, 12);
    assert.ok(Math.abs(p.orderBy! - (p.exhaustion! - 30 * 86400)) < 1e-6);
    // a need 1 % under the limit in a month of 30 days: 101.4 vCPU grows to 102.4 in ln(102.4 / 101.4) / ln(1.1) = 0.10
    // months, 3 days after that month's start; but the replay ran the whole month under the limit, so not before its end
    const close = planPurchase(site, [flat('vcpus', 128, 101.4), flat('memoryMiB', 65536, 8192)], 0.2, 0.1, 30 * 86400);
    assert.ok(Math.log(102.4 / 101.4) / Math.log(1.1) * SECONDS_PER_MONTH < 30 * 86400);
    assert.equal(close.exhaustion, 30 * 86400);
    assert.equal(close.observed, false);
  });

  it('a memory-bound site with idle vCPU: utilization, headroom and hosts to buy all name memory, and agree', async () => {
    // 2 hosts of 32 vCPU and 66048 MiB (Nova reserves 512 MiB): 2 × 32 × 4.0 = 256 vCPU and 2 × 65536 = 131072 MiB schedulable.
    // A flat 70 rps at 10 rps per instance needs 7 instances of a 2 vCPU / 16384 MiB flavor:
    // vCPU 14 / 256 = 5.47 %, memory 7 × 16384 / 131072 = 87.5 % — past 80 % (headroomTarget 0.2) from the first step.
    const j = await recommendOnOneSite(66048, '{ name: small, vcpus: 2, memoryMiB: 16384 }', 70);
    const s = j.sites[0];
    assert.equal(s.peakUtilization.vcpus, 0.0547); // 14 / 256, rounded to 4 places
    assert.equal(s.peakUtilization.memoryMiB, 0.875);
    assert.deepEqual(s.binding, { resource: 'memoryMiB', peakNeed: 0.875, spare: 0.125 });
    const head = j.recommendations.find((x: { kind: string }) => x.kind === 'headroom');
    assert.equal(head.binding, 'memoryMiB');
    assert.equal(head.meetsTarget, false);
    assert.match(head.message, /memory binds: 12\.5 % spare at its peak \(vCPU 94\.5 %\).*not met/);
    const buy = j.recommendations.find((x: { kind: string }) => x.kind === 'buy-hosts');
    assert.equal(buy.binding, 'memoryMiB');
    // passed in the replay at the first step; no growth: 114688 MiB / 0.8 = 143360 − 131072 = 12288 → 1 host of 65536 MiB
    assert.equal(buy.exhaustion, '2027-01-01T00:00:00Z');
    assert.equal(buy.hosts, 1);
    assert.match(buy.message, /passes 80 % of its memory \(the binding resource: 12\.5 % spare at its peak\) on 2027-01-01 in this replay/);
  });

  it('headroom and hosts to buy show one spare for a site, from the unrounded peak need (no double rounding)', async () => {
    // 2 hosts of 66057 MiB (Nova reserves 512): 131090 MiB schedulable. One instance of a 4654 MiB flavor (5 rps at 10 per
    // instance, minInstances 1): memory need 4654 / 131090 = 0.0355023…, spare 0.9644976… = 96.4 %. The report rounds the
    // need to 0.0355, and 1 − 0.0355 = 96.45 % would print as 96.5 %: the headroom used to say 96.5 and the hosts to buy 96.4.
    const j = await recommendOnOneSite(66057, '{ name: small, vcpus: 1, memoryMiB: 4654 }', 5);
    assert.equal(j.sites[0].peakNeed.memoryMiB, 0.0355); // the report's figure, rounded to 4 places
    const head = j.recommendations.find((x: { kind: string }) => x.kind === 'headroom');
    const buy = j.recommendations.find((x: { kind: string }) => x.kind === 'buy-hosts');
    assert.equal(head.spare, 1 - 4654 / 131090);
    assert.equal(head.spares.memoryMiB, head.spare);
    assert.equal(buy.spare, head.spare);
    assert.match(head.message, /memory binds: 96\.4 % spare at its peak/);
    assert.match(buy.message, /memory \(the binding resource: 96\.4 % spare at its peak\)/);
  });

  it('a site with no hosts until the scenario adds them: need with nothing installed is named, not a percentage', async () => {
    // dc starts with 0 hosts; 2 come on day 2 (2 × 8 vCPU × 4.0 = 64 vCPU, 2 × 16384 MiB). api needs 20 / 10 = 2 small
    // instances (4 vCPU, 8192 MiB) at every step: on day 1 that is demand over nothing installed (need / 0), so the
    // binding need is the report's 1e9 and the headroom is not met; with the hosts, the need is 4 / 64 = 6.25 %, so the
    // hosts to buy find the scenario's additions enough (spare 1 − 4 / 64 = 93.75 %) and buy none. One site, one way to
    // place: the placement is kept, with nothing to paste.
    const empty = smallPrivate('dc', 0);
    const dir = tempWorkspace({ 'dc.yaml': empty, 'w.yaml': constWorkload('api', 20), 'p.yaml': placement('api: { shares: { dc: 100 } }'),
      'sc.yaml': scenario('events:\n  - { type: addHosts, site: dc, aggregate: agg, hosts: 2, at: "2027-01-02T00:00:00Z" }\n', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-03T00:00:00Z", step: 1h }') });
    const r = await runCli(['recommend', dir, '--json', '--no-series']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.sites[0].binding, { resource: 'vcpus', peakNeed: 1e9, spare: -1e9 });
    const rec = (kind: string) => j.recommendations.find((x: { kind: string }) => x.kind === kind);
    assert.equal(rec('headroom').spare, -1e9);
    assert.equal(rec('headroom').meetsTarget, false);
    assert.match(rec('headroom').message, /^dc: vCPU binds: demand at a step with none installed \(memory: none installed\)/);
    assert.equal(rec('buy-hosts').hosts, 0);
    assert.equal(rec('buy-hosts').spare, 1 - 4 / 64);
    assert.match(rec('buy-hosts').message, /^dc passes 80 % of its vCPU \(the binding resource: 93\.8 % spare at its peak need against its capacity with the scenario's 2 added host\(s\)\) on 2027-01-01 in this replay, before the scenario's host additions; with them it holds twelve months past that at 0\.0 %\/month \(no trend: one calendar month of need to fit one to\): no hosts to buy$/);
    assert.match(rec('placement').message, /^keep p: no other split of the shares costs less/);
    assert.equal(rec('placement').placement, undefined);
    assert.equal(j.recommendation.placement, null); // and the report's recommendation says so, as when none is accepted
    const text = await runCli(['simulate', dir]);
    assert.match(text.out, /\bvCPU: demand, none installed\b/);
    assert.doesNotMatch(text.out, /100000000000/);
  });

  it('hosts the scenario adds: the hosts to buy say their spare is against the capacity after them', async () => {
    // growth-2027 adds 8 hosts to pangyo in April. The headroom's spare is at the tightest step (before they come); the
    // hosts to buy plan from the capacity after them, so their spare is larger and says what it is measured against.
    const dir = path.join(FIXTURES, 'toss-hybrid');
    const r = await runCli(['recommend', dir, '--scenario', 'growth-2027', '--json', '--no-series']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const buy = j.recommendations.find((x: { kind: string; target: string }) => x.kind === 'buy-hosts' && x.target === 'pangyo');
    const head = j.recommendations.find((x: { kind: string; target: string }) => x.kind === 'headroom' && x.target === 'pangyo');
    assert.equal(buy.binding, head.binding);
    assert.ok(buy.spare > head.spare, `${buy.spare} > ${head.spare}`);
    assert.match(buy.message, /% spare at its peak need against its capacity with the scenario's 8 added host\(s\)\)/);
    // and the headroom says when its peak was: demand grows 3 % a month, the 8 hosts come on 2027-04-01, so the tightest
    // step is in March, before them (the two spares differ, and each says against what)
    assert.match(head.message, /^pangyo: memory binds: [\d.]+ % spare at its peak \(vCPU [\d.]+ %, disk [\d.]+ %\), on 2027-03-\d\d before the scenario's 8 added host\(s\) \(target 20 % on every resource: met\); /);
    // growth-2027 keeps the current placement (the optimum crowds pangyo's memory): hosts and headroom are of the current one, unqualified
    assert.match(j.recommendations[0].message, /^keep current/);
    assert.doesNotMatch(buy.message + head.message, /recommended placement/);
    // what losing aws-seoul moves to pangyo fits its spare, but the N-1 check of that loss fails (workloads with no
    // pangyo share are short): the headroom line says so, naming the same workloads as the failover verdict
    const lost = j.failover.find((f: { lostSite: string }) => f.lostSite === 'aws-seoul');
    assert.equal(lost.survives, false);
    assert.ok(head.message.includes(`losing aws-seoul would add `) && head.message.includes(', which fits in that spare; '), head.message);
    assert.ok(head.message.endsWith(`; the N-1 check, which takes every workload at its own peak at once, still fails without aws-seoul (short: ${Object.entries(lost.shortfall).filter(([, v]) => (v as { instances: number }).instances > 0).map(([n]) => n).join(', ')})`), head.message);
  });

  it('a headroom whose peak comes after the added hosts is measured against them, and says so', async () => {
    // dc: 2 hosts (16,384 MiB each) until 00:15, then 4 (65,536 MiB). api: 40 rps / 10 = 4 small, from 00:30 ×3 = 12 small.
    // memory need: steps 0–2 16,384 / 32,768 = 0.5; steps 3–5 0.25; steps 6–11 49,152 / 65,536 = 0.75, the peak:
    // spare 25 % against the 4 hosts then (20 % target: met). Read against the configured 32,768 MiB, it would be −50 %.
    const { a } = workspace({
      'dc.yaml': smallPrivate('dc', 2),
      'w.yaml': constWorkload('api', 40).replace('baseline: 40 }', 'baseline: 40, bursts: [{ at: "2027-01-01T00:30:00Z", duration: 30m, multiplier: 3 }] }'),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
      's.yaml': scenario('events:\n  - { type: addHosts, site: dc, aggregate: agg, hosts: 2, at: "2027-01-01T00:15:00Z" }\n'),
    });
    const out = await recommend(a);
    const head = out.report.recommendations.find((r) => r.kind === 'headroom' && r.target === 'dc')!;
    assert.match(head.message, /^dc: memory binds: 25\.0 % spare at its peak \(vCPU [\d.]+ %\), on 2027-01-01 with the scenario's 2 added host\(s\) \(target 20 % on every resource: met\)/);
    // hosts taken away: dc 4 hosts, 2 removed at 00:15; api 4 small all along: 16,384 / 65,536 = 0.25, then / 32,768 = 0.5
    const { a: b } = workspace({
      'dc.yaml': smallPrivate('dc', 4),
      'w.yaml': constWorkload('api', 40),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
      's.yaml': scenario('events:\n  - { type: addHosts, site: dc, aggregate: agg, hosts: -2, at: "2027-01-01T00:15:00Z" }\n'),
    });
    const fewer = (await recommend(b)).report.recommendations.find((r) => r.kind === 'headroom' && r.target === 'dc')!;
    assert.match(fewer.message, /^dc: memory binds: 50\.0 % spare at its peak \(vCPU [\d.]+ %\), on 2027-01-01 with the scenario's 2 removed host\(s\) \(target 20 % on every resource: met\)/);
     // more hosts taken away than the aggregate has: dc has agg (2 hosts) and agg2 (4), and the scenario removes 5 from
    // agg at 00:15, which leaves agg none (the replay counts no aggregate below zero hosts: hostsAfterEvents), so 2 go.
    // api's 4 small need 16,384 MiB: / 98,304 (6 hosts) = 1/6, then / 65,536 (4 hosts) = 0.25, the peak: spare 75 %
    const { a: c } = workspace({
      'dc.yaml': smallPrivate('dc', 2).replace(/( *)(- \{ name: agg, .*\n)/, '$1$2$1- { name: agg2, availabilityZone: az1, hosts: 4, host: { vcpus: 8, memoryMiB: 16896, diskGiB: 0 } }\n'),
      'w.yaml': constWorkload('api', 40),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
      's.yaml': scenario('events:\n  - { type: addHosts, site: dc, aggregate: agg, hosts: -5, at: "2027-01-01T00:15:00Z" }\n'),
    });
    const recs = (await recommend(c)).report.recommendations;
    const emptied = recs.find((r) => r.kind === 'headroom' && r.target === 'dc')!;
    assert.match(emptied.message, /^dc: memory binds: 75\.0 % spare at its peak \(vCPU [\d.]+ %\), on 2027-01-01 with the scenario's 2 removed host\(s\) \(target 20 % on every resource: met\)/);
    const buy = recs.find((r) => r.kind === 'buy-hosts' && r.target === 'dc')!;
    assert.match(buy.message, /75\.0 % spare at its peak need against its capacity with the scenario's 2 removed host\(s\)\)/);
  });
});

describe('Monte Carlo', function () {
  this.timeout(120000);
  it('gives the same numbers for a seed whatever the number of workers', async () => {
    const dir = path.join(FIXTURES, 'toss-hybrid');
    const a = analyzePaths([dir], { cwd: dir });
    const sim = simulate(a, { scenario: 'aws-outage-at-peak' });
    const job = { context: replayContext(a.model, sim.plan), runs: 6, seed: 42, demandNoise: 0.1 };
    const inThread = await runMonteCarlo(job, sim.baseDemand, 0);
    const one = await runMonteCarlo(job, sim.baseDemand, 1);
    const two = await runMonteCarlo(job, sim.baseDemand, 2);
    // 4 workers for 6 runs: workers take runs from a shared counter, so some take two and some one
    let progress = 0;
    const four = await runMonteCarlo(job, sim.baseDemand, 4, (f) => (progress = f));
    assert.deepEqual(one.outcomes, inThread.outcomes);
    assert.deepEqual(two.outcomes, inThread.outcomes);
    assert.deepEqual(four.outcomes, inThread.outcomes);
    assert.equal(progress, 1);
    assert.equal(new Set(inThread.outcomes.map((o) => o.cost)).size, 6, 'each run draws its own noise');
    assert.ok(inThread.cost.p10 <= inThread.cost.p50 && inThread.cost.p50 <= inThread.cost.p90);
  });
});

describe('headroom recommend', function () {
  this.timeout(120000);
  it('recommends a cheaper placement for the fixtures with no more unserved demand, as a Placement that lints', async () => {
    const fix = path.join(FIXTURES, 'toss-hybrid');
    const r = await runCli(['recommend', fix, '--json', '--no-series']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const cmp = j.recommendation.comparison;
    // change = candidate (recommended) − baseline (current), below zero: cheaper
    assert.ok(cmp.sides.candidate.cost < cmp.sides.baseline.cost);
    assert.equal(cmp.changeLabel, 'change (recommended − current)');
    assert.ok(cmp.rows.find((x: { label: string }) => x.label === 'cost').change < 0);
    for (const w of j.workloads) assert.ok(w.unservedRequests >= 0);
    const yaml = j.recommendation.placement as string;
    const dir = tempWorkspace({});
    fs.cpSync(fix, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'recommended.yaml'), yaml);
    const lint = await runCli(['lint', dir]);
    assert.equal(lint.code, 0, lint.out + lint.err);
    const kinds = new Set(j.recommendations.map((x: { kind: string }) => x.kind));
    for (const k of ['placement', 'buy-hosts', 'commitment', 'headroom']) assert.ok(kinds.has(k), k);
    // g5.xlarge on aws-seoul (prices in the fixture, USD): 0.634 committed against 1.006 on demand → break-even 63 % of the time
    const g5 = j.recommendations.find((x: { kind: string; target: string }) => x.kind === 'commitment' && x.target === 'aws-seoul/g5.xlarge');
    assert.match(g5.message, /run at least 63 % of the time, the break-even of 0\.634 committed vs 1\.006 on demand, USD per hour; saves .* \(usage with the recommended placement\)$/);
    // the recommended placement fills pangyo's memory to 79.6 % (README), so its 4 hosts are to be ordered now; the
    // current one peaks at 76.5 % and, on the same fitted trend (1.6 %/month), would order them 70 days later:
    // the purchase says both, so the saving is read with the earlier spend
    const buy = j.recommendations.find((x: { kind: string; target: string }) => x.kind === 'buy-hosts' && x.target === 'pangyo');
    assert.match(buy.message, /^pangyo with the recommended placement .*: order 4 host\(s\) \(2 in general-az1, 2 in general-az2\) now .* \(with the current placement: order 4 host\(s\) by 2027-03-12\)$/);
    assert.equal(buy.currentPlacement.hosts, 4);
    assert.match(buy.currentPlacement.orderBy, /^2027-03-12T/);
    // the whole recommend report, recommendations' extra fields included, is the report schema's
    const validate = new Ajv({ allErrors: true, strict: false }).compile(readSchema('report.schema.json'));
    assert.ok(validate(j), JSON.stringify(validate.errors));
  });
});

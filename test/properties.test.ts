/**
 * Invariants of the replay on random small workspaces (fast-check): served + unserved = demand,
 * costs are never negative, more hosts never increase unserved demand, and the result does not
 * depend on how documents are spread over files or ordered.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { constWorkload, placement, publicSite, run, scenario, smallPrivate } from './sim-helpers';
import { sharesAfterLoss, sharesWithout } from '../engine/replay/failover';

interface Case { hosts: number; delay: number; quota: number; loads: { rps: number; noise: number; priv: number; prio: number }[]; outage: boolean }

const caseArb: fc.Arbitrary<Case> = fc.record({
  hosts: fc.integer({ min: 0, max: 4 }),
  delay: fc.constantFrom(0, 200, 600),
  quota: fc.constantFrom(0, 6, 20),
  outage: fc.boolean(),
  loads: fc.array(fc.record({ rps: fc.integer({ min: 1, max: 120 }), noise: fc.constantFrom(0, 0.3), priv: fc.constantFrom(0, 30, 50, 100), prio: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 3 }),
});

function files(c: Case, hosts = c.hosts): Record<string, string> {
  const f: Record<string, string> = {
    'dc.yaml': smallPrivate('dc', hosts),
    'cloud.yaml': publicSite('cloud', `autoscaling: { scaleOutDelaySeconds: ${c.delay} }${c.quota ? `\nquota: { vcpus: ${c.quota} }` : ''}\ncommitments: [{ instanceType: m.large, count: 2, hourly: 0.05 }]`),
    'sc.yaml': scenario(c.outage ? 'events:\n  - { type: siteOutage, site: cloud, start: "2027-01-01T00:20:00Z", duration: 10m }' : ''),
  };
  const lines: string[] = [];
  c.loads.forEach((l, i) => {
    f[`w${i}.yaml`] = constWorkload(`w${i}`, l.rps, `priority: ${l.prio}`, 10, 0.6).replace(`baseline: ${l.rps} }`, `baseline: ${l.rps}, noise: ${l.noise}, seed: ${i + 1} }`);
    const shares = l.priv === 100 ? '{ dc: 100 }' : l.priv === 0 ? '{ cloud: 100 }' : `{ dc: ${l.priv}, cloud: ${100 - l.priv} }`;
    lines.push(`w${i}: { shares: ${shares} }`);
  });
  f['p.yaml'] = placement(lines.join('\n'));
  return f;
}

describe('replay properties', function () {
  this.timeout(120000);

  it('served + unserved = demand; costs ≥ 0', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { sim, report } = run(files(c));
      const res = sim.result;
      sim.plan.workloads.forEach((_, w) => {
        let demand = 0;
        for (const d of sim.demand[w]) demand += d * sim.plan.horizon.step;
        let served = 0;
        res.pairs.forEach((p, k) => { if (p.workload === w) served += res.pairServed[k]; });
        assert.ok(served <= demand + 1e-6, `served ${served} > demand ${demand}`);
        assert.ok(Math.abs(served + res.workloadUnserved[w] - demand) <= 1e-6 * Math.max(1, demand), `served ${served} + unserved ${res.workloadUnserved[w]} ≠ demand ${demand}`);
      });
      for (const s of report.sites) {
        assert.ok(s.cost >= 0);
        assert.ok(s.idleCost >= -0.01);
      }
      for (const w of report.workloads) assert.ok(w.cost >= 0 && w.unservedRequests >= 0);
    }), { numRuns: 30, seed: 20261125 });
  });

  it('more hosts never increase unserved demand', () => {
    fc.assert(fc.property(caseArb, fc.integer({ min: 1, max: 3 }), (c, extra) => {
      const a = run(files(c)).report.totals.unservedRequests;
      const b = run(files(c, c.hosts + extra)).report.totals.unservedRequests;
      assert.ok(b <= a + 1e-6, `${c.hosts}+${extra} hosts: unserved ${b} > ${a}`);
    }), { numRuns: 20, seed: 7 });
  });

  it('results do not depend on file or document order', () => {
    fc.assert(fc.property(caseArb, fc.integer({ min: 0, max: 1000 }), (c, salt) => {
      const f = files(c);
      const a = JSON.stringify(run(f).report);
      // Everything in one file, documents in a shuffled order.
      const docs = Object.values(f);
      const order = docs.map((_, i) => i).sort((x, y) => ((x * 7919 + salt) % 13) - ((y * 7919 + salt) % 13) || x - y);
      const b = JSON.stringify(run({ 'all.yaml': order.map((i) => docs[i]).join('---\n') }).report);
      assert.equal(a, b);
    }), { numRuns: 10, seed: 11 });
  });
});

describe('failover shares', () => {
  it('sharesAfterLoss (arrays, the check\'s loop) gives sharesWithout\'s sites, order and percentages to the bit, in both modes, with and without an overflow site', () => {
    const sites = ['a', 'b', 'c', 'd'];
    const arb = fc.record({
      mode: fc.constantFrom('active-active' as const, 'active-passive' as const),
      shares: fc.array(fc.tuple(fc.constantFrom(...sites), fc.integer({ min: 0, max: 100 })), { maxLength: 4 }),
      overflowTo: fc.option(fc.constantFrom(...sites), { nil: undefined }),
      lost: fc.constantFrom(...sites),
    });
    fc.assert(fc.property(arb, ({ mode, shares, overflowTo, lost }) => {
      const map = new Map(shares);
      const p = { name: 'p', mode, detectionSeconds: 0, headroomTarget: 0.2, workloads: new Map([['w', { workload: 'w', shares: map, purchase: 'on-demand' as const, overflowTo }]]), src: undefined as never };
      const want = sharesWithout(p, 'w', lost);
      const outSites: string[] = [];
      const outPcts: number[] = [];
      const k = sharesAfterLoss(mode, [...map.keys()], [...map.values()], overflowTo, lost, outSites, outPcts);
      assert.deepEqual(outSites.slice(0, k).map((s, j) => [s, outPcts[j]]), [...want]);
    }), { numRuns: 2000, seed: 5 });
  });
});

/**
 * The streamed replay (traffic/demand-stream.ts) against the replay over whole arrays, and the
 * memory estimate that replaced the 100 M-value limit (model/limits.ts).
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { analyzePaths } from '../engine/lint/lint';
import { memoryBudget, overBudget, streamedRunBytes } from '../engine/model/limits';
import { replay } from '../engine/replay/replay';
import { buildDemand, simulate, SimulationLimitError, unservedWeights } from '../engine/replay/simulate';
import { ArrayDemand, PlanDemand } from '../engine/traffic/demand-stream';
import type { Workload } from '../engine/model/model';
import { demandStats, orderStatistics, quantilesOf } from '../engine/traffic/demand-statistics';
import { synthesize } from '../engine/traffic/traffic';
import { Rng } from '../engine/replay/rng';
import { DemandChunks } from '../engine/replay/demand-chunks';
import * as ss from 'simple-statistics';
import { run as cli } from './cli-lint.test';
import { byRule, FIXTURES, lintFiles } from './helpers';
import { constWorkload, placement, publicSite, scenario, smallPrivate } from './sim-helpers';

const FIX = path.join(FIXTURES, 'toss-hybrid');

/** Runs f with HEADROOM_MEMORY_LIMIT set, restoring the environment after. */
async function withLimit<T>(limit: string, f: () => T | Promise<T>): Promise<T> {
  const before = process.env.HEADROOM_MEMORY_LIMIT;
  process.env.HEADROOM_MEMORY_LIMIT = limit;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env.HEADROOM_MEMORY_LIMIT;
    else process.env.HEADROOM_MEMORY_LIMIT = before;
  }
}

describe('streaming replay', function () {
  this.timeout(120000);

  it('gives the replay over whole arrays to the bit, on every fixture scenario (traces with countPer, noisy synthetic profiles, growth, outages)', () => {
    const a = analyzePaths([FIX], { cwd: FIX });
    for (const sc of ['default', 'aws-outage-at-peak', 'pangyo-az1-outage', 'fx-shock', 'growth-2027']) {
      const sim = simulate(a, { scenario: sc });
      const p = sim.plan;
      const whole = buildDemand(p, sim.steps);
      const fromArrays = replay({ model: a.model, placement: p.placement, horizon: p.horizon, steps: sim.steps, workloads: p.workloads, demand: whole.demand, events: p.scenario.events, exchangeRates: p.exchangeRates, buckets: 480, unservedWeight: unservedWeights(sim.stats) });
      assert.deepEqual(sim.result, fromArrays, sc);
      // the statistics pass measures the same series the arrays hold
      p.workloads.forEach((w, i) => {
        assert.deepEqual(sim.stats[i].demand, demandStats(whole.demand[i]), `${sc} ${w.name}`);
        assert.deepEqual(sim.stats[i].base, demandStats(whole.base[i]), `${sc} ${w.name}`);
      });
    }
  });

  it('workloads sharing one demand array share a column of the replay\'s rows, with the same result as copies; with noise each has its own', () => {
    const a = Float64Array.from({ length: 100 }, (_, t) => t);
    const b = Float64Array.from({ length: 100 }, (_, t) => 1000 + t);
    const chunks = new DemandChunks(new ArrayDemand([a, a, b, a]), 100, 300, undefined);
    assert.deepEqual([...chunks.columns], [0, 0, 1, 0]); // two distinct arrays: two columns
    // step 70 is the 7th of the second chunk of 64: row 6 × 2 columns = offset 12, holding a[70] and b[70]
    let row = 0;
    for (let t = 0; t <= 70; t++) row = chunks.rowOf(t); // steps in order, as the replay reads them
    assert.equal(row, 12);
    assert.deepEqual([...chunks.rows.subarray(row, row + 2)], [70, 1070]);
    const noisy = new DemandChunks(new ArrayDemand([a, a, b, a]), 100, 300, { sigma: 0.1, rng: new Rng(1) });
    assert.deepEqual([...noisy.columns], [0, 1, 2, 3]);
    // kept in the replay's own array when it has room for 64 rows of the columns (4 workloads × 64 = 256 here), the
    // same rows at the same offsets; an array too short for them (2 columns × 64 = 128 > 127) is not used
    const room = new Float64Array(4 * 64);
    const into = new DemandChunks(new ArrayDemand([a, a, b, a]), 100, 300, undefined, room);
    assert.equal(into.rows, room);
    for (let t = 0; t <= 70; t++) row = into.rowOf(t);
    assert.deepEqual([row, ...room.subarray(row, row + 2)], [12, 70, 1070]);
    assert.notEqual(new DemandChunks(new ArrayDemand([a, a, b, a]), 100, 300, undefined, new Float64Array(127)).rows.length, 127);

    // the fixture's scenarios (an outage's redistribution and the chart series read by workload too)
    // replayed with workloads 0 and 1 on one array, and on two equal copies: the same result
    const fix = analyzePaths([FIX], { cwd: FIX });
    for (const sc of ['default', 'aws-outage-at-peak']) {
      const sim = simulate(fix, { scenario: sc });
      const p = sim.plan;
      const { demand } = buildDemand(p, sim.steps);
      const input = { model: fix.model, placement: p.placement, horizon: p.horizon, steps: sim.steps, workloads: p.workloads, events: p.scenario.events, exchangeRates: p.exchangeRates, buckets: 480 };
      const one = [demand[0], demand[0], ...demand.slice(2)];
      const copies = [demand[0], Float64Array.from(demand[0]), ...demand.slice(2)];
      const shared = replay({ ...input, demand: one });
      assert.equal(new DemandChunks(new ArrayDemand(one), sim.steps, p.horizon.step, undefined).columns[1], 0);
      assert.deepEqual(shared, replay({ ...input, demand: copies }), sc);
    }
  });

  it('transposes eight columns at a time without noise: every value in its row and column, for a column count not a multiple of eight, sources held whole and read, and a last chunk shorter than 64; each column\'s largest value per chunk, with noise too', () => {
    // 19 workloads (two tiles of 8, then 3 columns copied one by one), 150 steps (chunks of 64, 64, 22);
    // workload w's demand at step t is 1000·w + t, but 1000·w + 500 at step 30, held whole for even w and written by
    // read() for odd w
    const W = 19, steps = 150;
    const value = (w: number, t: number) => 1000 * w + (t === 30 ? 500 : t);
    const series = Array.from({ length: W }, (_, w) => Float64Array.from({ length: steps }, (_, t) => value(w, t)));
    const source = {
      workloads: W,
      read: (w: number, t0: number, len: number, out: Float64Array) => out.set(series[w].subarray(t0, t0 + len)),
      whole: (w: number) => (w % 2 === 0 ? series[w] : undefined),
    };
    const chunks = new DemandChunks(source, steps, 300, undefined);
    assert.deepEqual([...chunks.columns], series.map((_, w) => w)); // 19 distinct series: 19 columns
    let wrong = 0;
    for (let t = 0; t < steps; t++) {
      const row = chunks.rowOf(t);
      // step 149 is the 22nd (index 21) of the third chunk: row 21 × 19 columns = offset 399
      if (t === 149) assert.equal(row, 399);
      for (let w = 0; w < W; w++) if (chunks.rows[row + chunks.columns[w]] !== value(w, t)) wrong++;
      // each column's largest value of the chunk: 1000·w + 500 (step 30) in the first, 1000·w + 127 and 1000·w + 149
      // (their last steps) in the others
      if (row === 0) {
        const top = t === 0 ? 500 : t === 64 ? 127 : 149;
        assert.deepEqual([...chunks.columnMax], series.map((_, w) => 1000 * w + top), `chunk from step ${t}`);
      }
    }
    assert.equal(wrong, 0);
    // with Monte Carlo noise (each workload a column of its own, drawn as read): each column's largest value of the
    // chunk is the largest of its rows
    const noisy = new DemandChunks(source, steps, 300, { sigma: 0.3, rng: new Rng(3), rho: 0.5 });
    for (let t0 = 0; t0 < steps; t0 += 64) {
      const row = noisy.rowOf(t0);
      assert.equal(row, 0);
      const len = Math.min(64, steps - t0);
      const expected = series.map((_, c) => Math.max(...Array.from({ length: len }, (_, k) => noisy.rows[k * W + c])));
      assert.deepEqual([...noisy.columnMax], expected, `noisy chunk from step ${t0}`);
    }
  });

  it('a synthetic profile read in ranges of 64 steps draws the same noise as one whole pass; a range out of order is refused', () => {
    const t = { kind: 'synthetic' as const, scale: 2.5, baseline: 100, dailyAmplitude: 0.4, weeklyAmplitude: 0.1, noise: 0.2, seed: 7, bursts: [] };
    const h = { start: Date.UTC(2027, 0, 1) / 1000, end: Date.UTC(2027, 0, 8) / 1000, step: 300 };
    const steps = 2016; // 7 days × 288 steps of 5 min
    const whole = new Float64Array(steps);
    synthesize(t, h, 'UTC', whole);
    for (let i = 0; i < steps; i++) whole[i] *= 2.5; // scale, as baseDemand applies it
    const w = { name: 'x', traffic: t } as unknown as Workload; // PlanDemand reads name and traffic only
    const src = new PlanDemand([w], new Map(), h, steps, 0);
    const chunk = new Float64Array(64);
    const streamed = new Float64Array(steps);
    for (let t0 = 0; t0 < steps; t0 += 64) {
      const len = Math.min(64, steps - t0);
      src.read(0, t0, len, chunk);
      streamed.set(chunk.subarray(0, len), t0);
    }
    assert.deepEqual(streamed, whole);
    assert.throws(() => src.read(0, 128, 64, chunk), /read at step 128, expected 2016/);
    // reading from step 0 again starts the noise over
    src.read(0, 0, 64, chunk);
    assert.deepEqual(chunk, whole.subarray(0, 64));
    // ArrayDemand is the same interface over arrays
    const arr = new ArrayDemand([whole]);
    arr.read(0, 64, 64, chunk);
    assert.deepEqual(chunk, whole.subarray(64, 128));
  });

  it('demand statistics equal simple-statistics\' mean, standardDeviation and quantile to the bit', () => {
    const rng = new Rng(5);
    for (const n of [1, 2, 3, 100, 8760]) {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = 1e6 * rng.next() ** 3 + (i % 7 === 0 ? 1e-9 : 0);
      const st = demandStats(d);
      const arr = d as unknown as number[];
      const m = ss.mean(arr);
      assert.equal(st.mean, m, `mean, n = ${n}`);
      assert.equal(st.coefficientOfVariation, m > 0 ? (n > 1 ? ss.standardDeviation(arr) : 0) / m : 0, `cv, n = ${n}`);
      const [median, p95] = ss.quantile(arr, [0.5, 0.95]) as number[];
      assert.equal(st.median, median);
      assert.equal(st.p95, p95);
      assert.equal(st.peak, Math.max(...d));
    }
    assert.throws(() => demandStats(new Float64Array(0)), /empty series/);
  });

  it('the quantiles by bucket counting equal simple-statistics\' quickselect on every shape of series', () => {
    const fc = require('fast-check') as typeof import('fast-check');
    // shapes: uniform, heavy-tailed (a few huge values squeeze the rest into the first buckets, so the
    // wanted buckets hold most values and the library's selection answers), few distinct values
    // (ties across the ranks), a constant series, and tiny ones
    const series = fc.oneof(
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 3000 }),
      fc.tuple(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 2000 }), fc.array(fc.double({ min: 1e9, max: 1e12, noNaN: true }), { maxLength: 3 })).map(([a, b]) => [...a, ...b]),
      fc.array(fc.constantFrom(0, 1, 2.5, 1e3, 7), { minLength: 1, maxLength: 3000 }),
      fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 1, max: 500 })).map(([v, n]) => Array(n).fill(v) as number[]),
    ).map((a) => Float64Array.from(a, (v) => (Object.is(v, -0) ? 0 : v)));
    fc.assert(fc.property(series, (d) => {
      const st = demandStats(d);
      const [median, p95] = ss.quantile(d as unknown as number[], [0.5, 0.95]) as number[];
      assert.ok(Object.is(st.median, median), `median ${st.median} vs ${median}`);
      assert.ok(Object.is(st.p95, p95), `p95 ${st.p95} vs ${p95}`);
      // any probabilities, as the report's utilization p95 asks
      const ps = [0, 0.1, 0.95, 0.99, 1];
      const want = ss.quantile(d as unknown as number[], ps) as number[];
      quantilesOf(d, ps).forEach((q, i) => assert.ok(Object.is(q, want[i]), `p${ps[i]}: ${q} vs ${want[i]}`));
    }), { numRuns: 300, seed: 11 });
    // and the bucket counting is what answers an ordinary series: every rank of a sorted copy
    const rng = new Rng(9);
    const d = Float64Array.from({ length: 8760 }, () => 100 + 50 * rng.next());
    const sorted = d.slice().sort();
    const ranks = [0, 1, 4379, 4380, 8321, 8322, 8759];
    const at = orderStatistics(d, sorted[0], sorted[8759], ranks);
    assert.ok(at, 'answered by the buckets');
    for (const r of ranks) assert.equal(at(r), sorted[r], `rank ${r}`);
    assert.equal(orderStatistics(new Float64Array([3, 3, 3]), 3, 3, [1]), undefined, 'no width: the library answers');
  });

  it('the whole demand arrays are built only when asked for, once', () => {
    const a = analyzePaths([FIX], { cwd: FIX });
    const sim = simulate(a, { scenario: 'growth-2027' });
    const d = sim.demand;
    assert.equal(sim.demand, d);
    assert.equal(d.length, sim.plan.workloads.length);
    assert.equal(d[0].length, sim.steps);
  });
});

describe('memory limit', function () {
  this.timeout(60000);
  const files = {
    's.yaml': smallPrivate('dc', 2),
    'c.yaml': publicSite('cloud'),
    'w.yaml': constWorkload('api', 10),
    'p.yaml': placement('api: { shares: { dc: 50, cloud: 50 } }'),
    // a year at 1 min: 525,600 steps
    'sc.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2028-01-01T00:00:00Z", step: 1m }'),
  };

  it('the estimate adds up per step, per pair and per workload', () => {
    // 1 workload, 2 pairs, 2 sites, 525,600 steps, no trace, 480 buckets, 14 months:
    // per step 34 + 2 × 80 + 0 + 24 = 218 B → 114,580,800 B
    // per pair (44 + 14 + 480) × 8 = 4,304 B; per workload (2,000 + 64 + 14 + 1,920) × 8 = 31,984 B
    // per site (6 × 3 × 480 + 6 × 14) × 8 = 69,792 B; base 160 MiB = 167,772,160 B
    // total 282,533,136 B = 269.4 MiB
    const bytes = streamedRunBytes({ workloads: 1, pairs: 2, sites: 2, steps: 525600, traces: 0, buckets: 480, months: 14 });
    assert.equal(bytes, 167772160 + 114580800 + 2 * 4304 + 31984 + 2 * 69792);
    assert.equal(overBudget(bytes, 'x', { bytes: 2 ** 30, from: 'test' }), undefined);
    assert.equal(overBudget(bytes, 'the run', { bytes: 100 * 2 ** 20, from: 'test' }), 'the run needs about 269 MiB of memory; the limit is 100 MiB (test)');
  });

  it('HEADROOM_MEMORY_LIMIT takes bytes or a unit; anything else is an error that names it', () => {
    assert.equal(memoryBudget({ HEADROOM_MEMORY_LIMIT: '1.5GiB' }).bytes, 1.5 * 2 ** 30);
    assert.equal(memoryBudget({ HEADROOM_MEMORY_LIMIT: '800 MiB' }).bytes, 800 * 2 ** 20);
    assert.equal(memoryBudget({ HEADROOM_MEMORY_LIMIT: '4096' }).bytes, 4096);
    assert.match(memoryBudget({}).from, /half of this machine's memory/);
    assert.throws(() => memoryBudget({ HEADROOM_MEMORY_LIMIT: 'lots' }), /HEADROOM_MEMORY_LIMIT="lots" is not a size/);
  });

  it('a run over the budget is refused before it starts: lint flags the horizon (so the CLI simulates nothing), and simulate checks its own estimate', async () => {
    await withLimit('200MiB', async () => {
      const a = lintFiles(files);
      const d = byRule(a.diagnostics, 'horizon-too-large');
      assert.equal(d.length, 1);
      assert.equal(d[0].file, 'sc.yaml');
      assert.match(d[0].message, /a run of 1 workloads over 525,600 steps needs about 2\d\d MiB of memory; the limit is 200 MiB \(HEADROOM_MEMORY_LIMIT\)/);
      // the same workspace passes lint under a larger limit and simulate then checks its own estimate
      await withLimit('1GiB', () => assert.equal(byRule(lintFiles(files).diagnostics, 'horizon-too-large').length, 0));
      const r = await cli(['simulate', a.dir, '--json']);
      assert.equal(r.code, 1, r.err); // lint errors first: nothing simulated
      assert.match(r.err, /horizon-too-large/);
    });
    // simulate checks its own estimate (the extension and the tests call it without the CLI's lint gate)
    const a = await withLimit('1GiB', () => lintFiles(files));
    await withLimit('230MiB', () => assert.throws(() => simulate(a), (e: unknown) => e instanceof SimulationLimitError && /the run \(1 workloads, 525,600 steps\) needs about 2\d\d MiB of memory; the limit is 230 MiB/.test((e as Error).message)));
  });

  it('the optimizer and Monte Carlo, which hold demand whole, are refused when the arrays would pass the budget', async () => {
    const many = {
      ...files,
      'w.yaml': Array.from({ length: 40 }, (_, i) => constWorkload(`api${i}`, 10)).join('---\n'),
      'p.yaml': placement(Array.from({ length: 40 }, (_, i) => `api${i}: { shares: { dc: 50, cloud: 50 } }`).join('\n')),
    };
    // 40 workloads × 525,600 steps × 8 B = 168 MB whole, on top of a streamed run of about 260 MiB
    await withLimit('350MiB', async () => {
      const a = lintFiles(many);
      assert.equal(byRule(a.diagnostics, 'horizon-too-large').length, 0);
      const sim = simulate(a);
      assert.equal(sim.result.steps, 525600);
      const refused = (e: unknown) => e instanceof SimulationLimitError && /holding the demand of 40 workloads over 525,600 steps whole .* needs about 4\d\d MiB of memory; the limit is 350 MiB/.test((e as Error).message);
      assert.throws(() => sim.demand, refused);
      // a caller that says it will hold the demand is refused before the replay: the replay's
      // progress never starts
      let progressed = false;
      assert.throws(() => simulate(a, { holdDemand: true, onProgress: () => (progressed = true) }), refused);
      assert.equal(progressed, false);
      assert.throws(() => simulate(a, { holdDemand: () => true, onProgress: () => (progressed = true) }), refused);
      assert.equal(progressed, false);
      // through the CLI (which asks so): one line and exit 1, nothing written, for Monte Carlo and recommend alike
      for (const args of [['simulate', a.dir, '--runs', '4', '--seed', '1', '--json'], ['recommend', a.dir, '--json']]) {
        const r = await cli(args);
        assert.equal(r.code, 1, `${args[0]}: ${r.err}`);
        assert.equal(r.out, '');
        assert.match(r.err, /^headroom: holding the demand of 40 workloads over 525,600 steps whole .* the limit is 350 MiB \(HEADROOM_MEMORY_LIMIT\)\. Use a longer step or a shorter horizon\n$/);
      }
    });
  });

  it('lint reports a malformed HEADROOM_MEMORY_LIMIT at the horizon instead of throwing', async () => {
    await withLimit('a lot', () => {
      const d = byRule(lintFiles(files).diagnostics, 'horizon-too-large');
      assert.match(d[0].message, /HEADROOM_MEMORY_LIMIT="a lot" is not a size/);
    });
  });
});


/** Traffic: resampling, counts per interval, alignment, extension, gaps, synthetic profile. */
import { strict as assert } from 'assert';
import { parseTraceCsv, toSeries } from '../engine/traffic/trace-file';
import { alignTrace, kthSmallest, resampleTrace, sampleInterval, synthesize } from '../engine/traffic/traffic';
import { Rng } from '../engine/replay/rng';
import { constWorkload, doc, placement, publicSite, run, scenario } from './sim-helpers';

const T0 = Date.UTC(2027, 0, 1) / 1000;
const series = (rows: [number, number][]) => toSeries(parseTraceCsv('timestamp,value\n' + rows.map(([t, v]) => `${t},${v}`).join('\n')), 'UTC');

describe('traffic', () => {
  it('kthSmallest gives the sorted array\'s k-th value for every k, with and without duplicates; sampleInterval is the median spacing', () => {
    const rng = new Rng(11);
    for (const n of [1, 2, 3, 7, 64, 201]) {
      for (const distinct of [2, 5, 1000]) {
        const a = Float64Array.from({ length: n }, () => Math.floor(rng.next() * distinct) * 900);
        const sorted = Float64Array.from(a).sort();
        for (let k = 0; k < n; k++) assert.equal(kthSmallest(Float64Array.from(a), k), sorted[k], `n ${n}, ${distinct} values, k ${k}`);
      }
    }
    // hourly samples with one 2-hour gap (a DST repeat averaged away) and one 30-minute step:
    // spacings 3600 × 6, 7200, 1800 → sorted [1800, 3600 × 6, 7200], index 4 → 3600
    const times = Float64Array.of(0, 3600, 7200, 10800, 18000, 21600, 25200, 27000, 30600);
    assert.equal(sampleInterval(times), 3600);
  });

  it('resamples a finer trace by the mean over each step', () => {
    // 1-minute samples 1..10 over 00:00–00:09, 5-minute steps: mean(1..5) = 3, mean(6..10) = 8
    const s = series(Array.from({ length: 10 }, (_, i) => [T0 + 60 * i, i + 1]));
    const out = new Float64Array(2);
    resampleTrace(s, { start: T0, end: T0 + 600, step: 300 }, 'repeat', out);
    assert.deepEqual([...out], [3, 8]);
  });
  it('a step with no sample takes the previous step; long gaps are warned about', () => {
    // samples at 0 (4), 300 (6), then 3000 (10): steps 2..9 have none → 6; step 10 → 10
    const s = series([[T0, 4], [T0 + 300, 6], [T0 + 3000, 10]]);
    const out = new Float64Array(11);
    const warnings = resampleTrace(s, { start: T0, end: T0 + 3300, step: 300 }, 'hold', out);
    assert.deepEqual([...out], [4, 6, 6, 6, 6, 6, 6, 6, 6, 6, 10]);
    // spacings 300 and 2700: the (upper) median is 2700, so the limit is 3 × 2700 = 8100 s → no warning
    assert.equal(warnings.length, 0);
    const s2 = series([[T0, 1], [T0 + 300, 1], [T0 + 600, 1], [T0 + 6000, 1]]);
    const w2 = resampleTrace(s2, { start: T0, end: T0 + 6300, step: 300 }, 'hold', new Float64Array(21));
    // spacing median 300 → limit 900; 5400 s gap warned with its span
    assert.equal(w2.length, 1);
    assert.match(w2[0].message, /gap of 90 min in the trace from 2027-01-01T00:10:00Z to 2027-01-01T01:40:00Z/);
  });
  it('a gap over 02:00–03:00 of a Sunday, in times without an offset read as UTC, says that clocks may have sprung forward', () => {
    // 5-minute samples through Sunday 2014-03-09 01:55, then from 03:00 (the United States' DST start that year):
    // a 65-minute gap, past 3 × 300 s. Naive times read as UTC get the hint; the same times with Z (UTC for sure) do not,
    // nor does a gap of the same length on Saturday; read in America/New_York the gap is not there at all (06:55 → 07:00 UTC).
    const rows = (day: string, z: string) => 'timestamp,value\n' + [...Array.from({ length: 24 }, (_, i) => `${day}T${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:00${z}`), `${day}T03:00:00${z}`, `${day}T03:05:00${z}`].map((t) => `${t},1`).join('\n');
    const warn = (csv: string, zone: string) => {
      const sr = toSeries(parseTraceCsv(csv), zone);
      const start = sr.times[0];
      return resampleTrace(sr, { start, end: start + 26 * 300, step: 300 }, 'hold', new Float64Array(26)).map((w) => w.message);
    };
    const naive = warn(rows('2014-03-09', ''), 'UTC');
    assert.deepEqual(naive, ["gap of 65 min in the trace from 2014-03-09T01:55:00Z to 2014-03-09T03:00:00Z; the last value is held. The hour 02:00–03:00 of a Sunday is missing, as where clocks spring forward: if the trace's times are local, give its time zone (traffic.timezone, e.g. America/New_York)"]);
    assert.deepEqual(warn(rows('2014-03-09', 'Z'), 'UTC'), ['gap of 65 min in the trace from 2014-03-09T01:55:00Z to 2014-03-09T03:00:00Z; the last value is held']);
    assert.deepEqual(warn(rows('2014-03-08', ''), 'UTC'), ['gap of 65 min in the trace from 2014-03-08T01:55:00Z to 2014-03-08T03:00:00Z; the last value is held']);
    assert.deepEqual(warn(rows('2014-03-09', ''), 'America/New_York'), []);
  });

  it('repeats or holds a trace shorter than the horizon', () => {
    // two 5-minute samples (period 600 s) over four steps: repeat → 1,2,1,2; hold → 1,2,2,2
    const s = series([[T0, 1], [T0 + 300, 2]]);
    const h = { start: T0, end: T0 + 1200, step: 300 };
    const rep = new Float64Array(4);
    resampleTrace(s, h, 'repeat', rep);
    assert.deepEqual([...rep], [1, 2, 1, 2]);
    const hold = new Float64Array(4);
    resampleTrace(s, h, 'hold', hold);
    assert.deepEqual([...hold], [1, 2, 2, 2]);
  });
  it('resamples as a plain search would: the mean of the samples in each step, else the last value, on random irregular traces (fast-check)', () => {
    const fc = require('fast-check') as typeof import('fast-check');
    const arb = fc.record({
      gaps: fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 60 }),
      values: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 61, maxLength: 61 }),
      step: fc.constantFrom(60, 300, 900, 3600),
      startShift: fc.integer({ min: -3000, max: 20000 }),
      steps: fc.integer({ min: 1, max: 80 }),
      extend: fc.constantFrom('repeat' as const, 'hold' as const),
      // sampled exactly every step, in phase (the arithmetic path), or not
      even: fc.boolean(),
    });
    fc.assert(fc.property(arb, ({ gaps: random, values, step, startShift: shift, steps, extend, even }) => {
      const gaps = even ? random.map(() => step) : random;
      const startShift = even ? shift - (((shift % step) + step) % step) : shift;
      let t = T0;
      const rows: [number, number][] = [[t, values[0]]];
      gaps.forEach((g, i) => rows.push([(t += g), values[i + 1]]));
      const s = series(rows);
      const h = { start: T0 + startShift, end: T0 + startShift + steps * step, step };
      const got = new Float64Array(steps);
      resampleTrace(s, h, extend, got);
      // the reference: every step's samples found by a filter over the whole trace
      const { times, values: v } = s;
      const n = times.length;
      const al = alignTrace(times, h);
      const prefix = new Float64Array(n + 1);
      for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + v[i];
      const want = new Float64Array(steps);
      let prev = v[0];
      for (let i = 0; i < steps; i++) {
        let u = h.start + i * step - al.offset;
        if (u >= al.first - al.offset + al.period) {
          if (extend === 'hold') {
            want[i] = prev = v[n - 1];
            continue;
          }
          u = times[0] + ((u - times[0]) % al.period);
        }
        const inStep = [...times.keys()].filter((k) => times[k] >= u && times[k] < u + step);
        const a = inStep.length ? inStep[0] : [...times].findIndex((x) => x >= u) < 0 ? n : [...times].findIndex((x) => x >= u);
        if (inStep.length) prev = (prefix[a + inStep.length] - prefix[a]) / inStep.length;
        else if (i === 0) prev = a > 0 ? v[a - 1] : v[0];
        want[i] = prev;
      }
      assert.deepEqual([...got], [...want]);
    }), { numRuns: 1000, seed: 3 });
  });
  it('shifts a trace from another year by whole weeks, keeping weekday and time of day', () => {
    // trace starts Tue 2014-07-01 00:00Z; horizon Fri 2027-01-01: shift so it starts in the week before
    const first = Date.UTC(2014, 6, 1) / 1000;
    const times = Float64Array.from({ length: 2016 * 2 }, (_, i) => first + 300 * i);
    const al = alignTrace(times, { start: T0, end: T0 + 86400, step: 300 });
    assert.equal(al.offset % (7 * 86400), 0);
    assert.ok(al.first <= T0 && T0 - al.first < 7 * 86400);
    assert.equal(new Date(al.first * 1000).getUTCDay(), 2); // still a Tuesday
  });
  it('counts per interval become rates, and scale multiplies (countPer, scale)', () => {
    const r = run({
      's.yaml': publicSite('cloud'),
      'w.yaml': constWorkload('api', 0).replace('traffic: { synthetic: { baseline: 0 } }', 'traffic: { trace: t.csv, countPer: 5m, scale: 2 }'),
      't.csv': 'timestamp,value\n2027-01-01T00:00:00Z,3000\n2027-01-01T00:05:00Z,6000\n',
      'p.yaml': placement('api: { shares: { cloud: 100 } }'),
      'sc.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-01T00:10:00Z", step: 5m }'),
    });
    // 3000 per 300 s = 10/s × 2 = 20; 6000 → 40
    assert.deepEqual([...r.sim.demand[0]], [20, 40]);
  });
  it('reads wall-clock trace times in traffic.timezone', () => {
    // 09:00 in Seoul (UTC+9) is 00:00Z: the first step gets 7, the second 9
    const r = run({
      's.yaml': publicSite('cloud'),
      'w.yaml': constWorkload('api', 0).replace('traffic: { synthetic: { baseline: 0 } }', 'traffic: { trace: t.csv, timezone: Asia/Seoul }'),
      't.csv': 'timestamp,value\n2027-01-01 08:55:00,5\n2027-01-01 09:00:00,7\n2027-01-01 09:05:00,9\n',
      'p.yaml': placement('api: { shares: { cloud: 100 } }'),
      'sc.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-01T00:10:00Z", step: 5m }'),
    });
    assert.deepEqual([...r.sim.demand[0]], [7, 9]);
  });
  it('extend: error refuses a trace that does not cover the horizon, at the extend field', () => {
    assert.throws(() => run({
      's.yaml': publicSite('cloud'),
      'w.yaml': constWorkload('api', 0).replace('traffic: { synthetic: { baseline: 0 } }', 'traffic: { trace: t.csv, extend: error }'),
      't.csv': 'timestamp,value\n2027-01-01T00:00:00Z,1\n',
      'p.yaml': placement('api: { shares: { cloud: 100 } }'),
      'sc.yaml': scenario(),
    }), (e: Error & { diagnostics?: { rule: string; range: { start: { line: number } } }[] }) => {
      assert.equal(e.diagnostics?.[0].rule, 'trace-too-short');
      return true;
    });
  });
  it('a file set with no Scenario runs one week at 5 minutes from the first trace timestamp', () => {
    const r = run({
      's.yaml': publicSite('cloud'),
      'w.yaml': constWorkload('api', 0).replace('traffic: { synthetic: { baseline: 0 } }', 'traffic: { trace: t.csv }'),
      't.csv': 'timestamp,value\n2014-07-01T00:02:00Z,1\n2014-07-01T00:07:00Z,1\n',
      'p.yaml': placement('api: { shares: { cloud: 100 } }'),
    });
    // first timestamp floored to the step: 2014-07-01T00:00Z; 7 × 288 = 2016 steps
    assert.deepEqual(r.report.horizon, { start: '2014-07-01T00:00:00Z', end: '2014-07-08T00:00:00Z', stepSeconds: 300, steps: 2016 });
    const syn = run({ 's.yaml': publicSite('cloud'), 'w.yaml': constWorkload('api', 5), 'p.yaml': placement('api: { shares: { cloud: 100 } }') });
    assert.equal(syn.report.horizon.start, '2027-01-01T00:00:00Z');
  });
  it('synthetic: daily peak at 14:00, trough at 02:00, deterministic for a seed', () => {
    const h = { start: T0, end: T0 + 86400, step: 3600 };
    const out = new Float64Array(24);
    synthesize({ kind: 'synthetic', scale: 1, baseline: 100, dailyAmplitude: 0.5, weeklyAmplitude: 0, noise: 0, seed: 1, bursts: [] }, h, 'UTC', out);
    // step 13 is 13:00–14:00 (midpoint 13:30): 100 × (1 + 0.5 sin(2π × 5.5 / 24)) = 149.57
    assert.ok(Math.abs(out[13] - 100 * (1 + 0.5 * Math.sin((2 * Math.PI * 5.5) / 24))) < 1e-9);
    assert.equal(out.indexOf(Math.max(...out)), 13);
    const a = new Float64Array(24), b = new Float64Array(24);
    const noisy = { kind: 'synthetic' as const, scale: 1, baseline: 100, dailyAmplitude: 0, weeklyAmplitude: 0, noise: 0.2, seed: 9, bursts: [] };
    synthesize(noisy, h, 'UTC', a);
    synthesize(noisy, h, 'UTC', b);
    assert.deepEqual(a, b);
    assert.ok(a.some((v) => v !== 100));
  });
  it('reads the fixture traces: NYC taxi in New York time, counts per 30 minutes', () => {
    const r = run({
      's.yaml': publicSite('cloud'),
      'w.yaml': doc('Workload', 'taxi', 'traffic: { trace: ../../fixtures-trace.csv }\ncapacityPerInstance: 10\ninstanceType: m.large').replace('../../fixtures-trace.csv', 'nyc.csv').replace('trace: nyc.csv }', 'trace: nyc.csv, timezone: America/New_York, countPer: 30m }'),
      'nyc.csv': require('fs').readFileSync(require('path').join(__dirname, '../../fixtures/toss-hybrid/traces/nyc_taxi.csv'), 'utf8'),
      'p.yaml': placement('taxi: { shares: { cloud: 100 } }'),
    });
    // first row 2014-07-01 00:00 EDT = 04:00Z, 10844 passengers / 1800 s = 6.024/s
    assert.equal(r.report.horizon.start, '2014-07-01T04:00:00Z');
    assert.ok(Math.abs(r.sim.demand[0][0] - 10844 / 1800) < 1e-9);
  });
});

/** The on-disk trace cache (trace-store.ts) and the parallel reader (trace-prefetch.ts). */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ParsedTrace, TraceCache } from '../engine/traffic/trace-file';
import { analyzePaths } from '../engine/lint/lint';
import { simulate } from '../engine/replay/simulate';
import { demandStats } from '../engine/traffic/demand-statistics';
import { doc, placement, scenario, smallPrivate } from './sim-helpers';
import { TraceStore } from '../engine/traffic/trace-store';
import { prefetchTraces } from '../engine/traffic/trace-prefetch';
import { tempWorkspace } from './helpers';
import { resamplePlan } from '../engine/replay/scenario-plan';
import { resampledOnce } from '../engine/traffic/traffic';
import { toSeries } from '../engine/traffic/trace-file';

const csv = (n: number, seed: number) => 'timestamp,value\n' + Array.from({ length: n }, (_, i) => `${1798761600 + 3600 * i},${((i * 7919 + seed) % 1000) / 8}`).join('\n') + '\n';
const arrays = (r: ReturnType<TraceCache['read']>) => {
  assert.ok(r.ok);
  return { wall: Array.from(r.parsed.wall), values: Array.from(r.parsed.values), hasOffset: Array.from(r.parsed.hasOffset) };
};

describe('trace store (on-disk cache of parsed traces)', () => {
  it('a second process reads the parsed trace from the store, identical, without the CSV', async () => {
    const dir = tempWorkspace({ 't.csv': csv(500, 1) });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const writer = TraceStore.open(storeDir)!;
    const first = new TraceCache({ store: writer }).read(file);
    await writer.flush(); // the main thread writes entries asynchronously
    // one content entry (c-<sha256>.bin: 80-byte header naming the hash + 17 bytes per row) and one identity entry, a hard link to it
    const entries = fs.readdirSync(storeDir).sort();
    assert.equal(entries.length, 2);
    const content = path.join(storeDir, entries.find((e) => e.startsWith('c-'))!);
    const identity = path.join(storeDir, entries.find((e) => e.startsWith('i-'))!);
    assert.equal(fs.statSync(content).size, 80 + 17 * 500);
    assert.equal(fs.statSync(identity).ino, fs.statSync(content).ino, 'the identity entry is a link to the content entry');
    assert.equal(fs.readFileSync(content).toString('latin1', 16, 80), path.basename(content).slice(2, 66), 'whose header names its hash');
    const store = TraceStore.open(storeDir)!;
    const st = fs.statSync(file, { bigint: true });
    assert.ok(store.byIdentity(file, st, () => assert.fail('not reparsed')), 'found by identity');
    const second = new TraceCache({ store }).read(file);
    assert.deepEqual(arrays(second), arrays(first));
  });

  it('a file rewritten with the same bytes hits its content entry; changed bytes are parsed afresh', async () => {
    const dir = tempWorkspace({ 't.csv': csv(100, 2) });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const store = TraceStore.open(storeDir)!;
    const before = arrays(new TraceCache({ store }).read(file));
    await store.flush();
    assert.equal(fs.readdirSync(storeDir).filter((e) => e.startsWith('c-')).length, 1, 'the content entry');
    fs.writeFileSync(file, csv(100, 2)); // same content, new mtime/ctime (as a checkout does)
    assert.deepEqual(arrays(new TraceCache({ store }).read(file)), before);
    await store.flush();
    assert.equal(fs.readdirSync(storeDir).filter((e) => e.startsWith('c-')).length, 1, 'no second content entry');
    fs.writeFileSync(file, csv(100, 3));
    const changed = arrays(new TraceCache({ store: TraceStore.open(storeDir) }).read(file));
    assert.notDeepEqual(changed.values, before.values);
  });

  it('a damaged entry is ignored, and a trace with problems is not stored', async () => {
    const dir = tempWorkspace({ 't.csv': csv(50, 4), 'bad.csv': 'timestamp,value\n2027-01-01T00:00:00Z,x\n' });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const store = TraceStore.open(storeDir)!;
    const good = arrays(new TraceCache({ store }).read(file));
    await store.flush();
    const damaged = fs.readdirSync(storeDir).filter((x) => x.startsWith('c-'));
    assert.equal(damaged.length, 1);
    for (const e of damaged) fs.writeFileSync(path.join(storeDir, e), 'HRT2 truncated'); // the identity entry, its link, too
    const again = TraceStore.open(storeDir)!;
    assert.deepEqual(arrays(new TraceCache({ store: again }).read(file)), good);
    await again.flush();
    // the damaged identity entry was replaced: a new process finds the trace by identity again
    assert.ok(TraceStore.open(storeDir)!.byIdentity(file, fs.statSync(file, { bigint: true }), () => assert.fail('not reparsed')));
    const contentEntries = () => fs.readdirSync(storeDir).filter((x) => x.startsWith('c-')).length;
    const before = contentEntries();
    const badStore = TraceStore.open(storeDir)!;
    const bad = new TraceCache({ store: badStore }).read(path.join(dir, 'bad.csv'));
    assert.ok(bad.ok && bad.parsed.problems.length === 1);
    await badStore.flush();
    assert.equal(contentEntries(), before, 'no content entry for bad.csv');
  });

  it('reads on worker threads give the same traces as reading one by one', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`t${i}.csv`] = csv(20_000, i);
    const dir = tempWorkspace(files);
    const paths = Object.keys(files).map((f) => path.join(dir, f));
    const parallel = new TraceCache({ store: null });
    assert.equal(await prefetchTraces(parallel, paths, { workers: 2, minBytes: 0 }), 6, 'all six read on workers');
    const serial = new TraceCache({ store: null });
    for (const p of paths) assert.deepEqual(arrays(parallel.read(p)), arrays(serial.read(p)));
  });
});

describe('trace store: resampled series', () => {
  // Three workloads on one site over 48 hourly steps: a and b read s.csv (one entry: the same
  // content, zone and horizon), c reads t.csv in Asia/Seoul (its own entry).
  // epoch 1798761600 = 2027-01-01T00:00:00Z
  const hourly = (n: number, f: (i: number) => number) => 'timestamp,value\n' + Array.from({ length: n }, (_, i) => `${1798761600 + 3600 * i},${f(i)}`).join('\n') + '\n';
  const traced = (name: string, file: string, extra = '') => doc('Workload', name, `unit: rps\ntraffic: { trace: ${file}${extra} }\ncapacityPerInstance: 10\ntargetUtilization: 1\nminInstances: 1\nflavor: small`);
  const files = {
    's.csv': hourly(48, (i) => 100 + 10 * (i % 24)),
    't.csv': hourly(48, (i) => 50 + (i % 7)),
    'site.yaml': smallPrivate('dc', 100),
    'w.yaml': [traced('a', 's.csv'), traced('b', 's.csv'), traced('c', 't.csv', ', timezone: Asia/Seoul')].join('---\n'),
    'p.yaml': placement('a: { shares: { dc: 100 } }\nb: { shares: { dc: 100 } }\nc: { shares: { dc: 100 } }'),
    'sc.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-03T00:00:00Z", step: 1h }'),
  };
  const runWith = (dir: string, store: TraceStore | null) => {
    const traces = new TraceCache({ store });
    const a = analyzePaths([dir], { cwd: dir, traces });
    return simulate(a, { traces });
  };
  const resampledEntries = (storeDir: string) => fs.readdirSync(storeDir).filter((e) => e.startsWith('r-')).sort();

  it('a second run takes each resampled series and its statistics from the store; results equal a run without the store to the bit', async () => {
    const dir = tempWorkspace(files);
    const storeDir = path.join(dir, 'store');
    const store = TraceStore.open(storeDir)!;
    const first = runWith(dir, store);
    await store.flush();
    // one entry per distinct (content, zone, horizon): s.csv once for a and b, t.csv once
    assert.equal(resampledEntries(storeDir).length, 2);
    const again = TraceStore.open(storeDir)!;
    const second = runWith(dir, again);
    const none = runWith(dir, null);
    assert.deepEqual(second.result, none.result);
    assert.deepEqual(second.stats, none.stats);
    assert.deepEqual(first.result, none.result);
    // the stored statistics are demandStats of the stored series, to the bit
    for (const e of resampledEntries(storeDir)) {
      const key = e.slice(2, -4);
      const entry = again.resampled(key)!;
      assert.equal(entry.out.length, 48);
      assert.deepEqual(entry.stats, demandStats(entry.out));
    }
    // proof that the second run read the store: a doctored entry (every value doubled) shows through
    for (const e of resampledEntries(storeDir)) {
      const key = e.slice(2, -4);
      const entry = again.resampled(key)!;
      again.putResampled(key, { ...entry, out: entry.out.map((v) => 2 * v), stats: { ...entry.stats, peak: 2 * entry.stats.peak } });
    }
    await again.flush();
    const doctored = runWith(dir, TraceStore.open(storeDir)!);
    // a's demand peaks at 100 + 10 × 23 = 330 rps; doubled, 660
    assert.equal(none.stats[0].base.peak, 330);
    assert.equal(doctored.stats[0].base.peak, 660);
    assert.equal(doctored.result.pairPeakInstances[0], 66); // ceil(660 / 10)
  });

  it('the trace workers resample each trace for the run as they parse it: the run adopts their series, stored, and its result is the same to the bit', async () => {
    const dir = tempWorkspace(files);
    const storeDir = path.join(dir, 'store');
    const reference = runWith(dir, null);
    const traces = new TraceCache({ store: TraceStore.open(storeDir)! });
    const a = analyzePaths([dir], { cwd: dir, traces: new TraceCache({ store: null }) });
    const plan = resamplePlan(a.model)!;
    // s.csv is read by a and b in UTC with extend repeat (one spec), t.csv by c in Asia/Seoul
    assert.deepEqual([...plan.specs.values()].map((s) => s.map((x) => `${x.timezone}/${x.extend}`)).sort(), [['Asia/Seoul/repeat'], ['UTC/repeat']]);
    assert.equal(plan.steps, 48);
    assert.equal(await prefetchTraces(traces, [...plan.specs.keys()], { workers: 2, minBytes: 0, resample: plan }), 2);
    // the workers wrote the two resampled entries before they finished, in this cache's folder (they
    // once wrote to the default one: traceStoreDir, not the cache's)
    assert.equal(resampledEntries(storeDir).length, 2);
    for (const [file, specs] of plan.specs) {
      const read = traces.read(file);
      assert.ok(read.ok);
      const r = resampledOnce(toSeries(read.parsed, specs[0].timezone), plan.horizon, 'repeat', 48);
      assert.equal(r.stored, true, 'adopted from a worker (a series resampled here would not be stored yet)');
      assert.ok(r.out.buffer instanceof SharedArrayBuffer, 'in shared memory, not copied');
      assert.deepEqual(r.stats, demandStats(r.out));
    }
    const ahead = simulate(analyzePaths([dir], { cwd: dir, traces }), { traces });
    assert.deepEqual(ahead.result, reference.result);
    assert.deepEqual(ahead.stats, reference.stats);
  });

  it('a damaged entry is treated as absent and written anew; a trace whose stored parse vanishes is read from its CSV again', async () => {
    const dir = tempWorkspace(files);
    const storeDir = path.join(dir, 'store');
    const store = TraceStore.open(storeDir)!;
    const reference = runWith(dir, null);
    runWith(dir, store);
    await store.flush();
    for (const e of resampledEntries(storeDir)) fs.writeFileSync(path.join(storeDir, e), 'HRR1 truncated');
    const again = TraceStore.open(storeDir)!;
    assert.deepEqual(runWith(dir, again).result, reference.result);
    await again.flush();
    for (const e of resampledEntries(storeDir)) assert.ok(again.resampled(e.slice(2, -4)), `${e} rewritten whole`);
    // bytes changed in place (the size and header intact): a value no longer matches the stored peak, so the entry is not used
    for (const e of resampledEntries(storeDir)) {
      const f = path.join(storeDir, e);
      const bytes = fs.readFileSync(f);
      bytes.writeDoubleLE(1e9, 16 + 8 * 6 + 8 * 3); // the fourth step's value, after the header and six statistics
      fs.writeFileSync(f, bytes);
      assert.equal(again.resampled(e.slice(2, -4)), undefined, `${e} refused`);
    }
    assert.deepEqual(runWith(dir, TraceStore.open(storeDir)!).result, reference.result);
    // known by identity, then its c- entry removed before the arrays are used: the CSV is parsed again
    const file = path.join(dir, 's.csv');
    const st = fs.statSync(file, { bigint: true });
    const reparse = (): ParsedTrace => {
      const r = new TraceCache({ store: null }).read(file);
      return r.ok ? r.parsed : assert.fail('unreadable');
    };
    const lazy = again.byIdentity(file, st, reparse)!;
    assert.ok(lazy, 'known by identity');
    for (const e of fs.readdirSync(storeDir).filter((x) => x.startsWith('c-'))) fs.unlinkSync(path.join(storeDir, e));
    assert.equal(lazy.wall.length, 48);
    assert.equal(lazy.values[23], 330);
  });
});

/** The on-disk trace cache (trace-store.ts) and the parallel reader (trace-prefetch.ts). */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { ParsedTrace, TraceCache } from '../engine/traffic/trace-file';
import { analyzePaths } from '../engine/lint/lint';
import { simulate } from '../engine/replay/simulate';
import { demandStats } from '../engine/traffic/demand-statistics';
import { doc, placement, scenario, smallPrivate } from './sim-helpers';
import { KnownTrace, TraceStore } from '../engine/traffic/trace-store';
import { prefetchTraces } from '../engine/traffic/trace-prefetch';
import { tempWorkspace } from './helpers';
import { resamplePlan } from '../engine/replay/scenario-plan';
import { resampledOnce } from '../engine/traffic/traffic';
import { isPackName, MAX_PACKS, PackWriter, readPackIndex, readPacked } from '../engine/traffic/trace-pack';
import { parseTraceBytes, RowScratch } from '../engine/traffic/trace-csv';
import { readAhead } from '../engine/traffic/resample-ahead';
import { toSeries } from '../engine/traffic/trace-file';
import { DEFAULT_STORE_BYTES, MAX_ENTRIES, storeLimit, sweepIfDue, sweepStore } from '../engine/traffic/trace-store-sweep';
import { run as cli } from './cli-lint.test';

const csv = (n: number, seed: number) => 'timestamp,value\n' + Array.from({ length: n }, (_, i) => `${1798761600 + 3600 * i},${((i * 7919 + seed) % 1000) / 8}`).join('\n') + '\n';
/** The store's entries, its sweep marker (.swept: trace-store-sweep.ts) aside. */
const storeNames = (dir: string) => fs.readdirSync(dir).filter((n) => !n.startsWith('.'));
const arrays = (r: ReturnType<TraceCache['read']>) => {
  assert.ok(r.ok);
  return { wall: Array.from(r.parsed.wall), values: Array.from(r.parsed.values), hasOffset: Array.from(r.parsed.hasOffset) };
};

describe('trace store (on-disk cache of parsed traces)', () => {
  it('a second process knows a clean trace by its identity without reading the CSV; its rows are parsed from the CSV when first used', async () => {
    const dir = tempWorkspace({ 't.csv': csv(500, 1) });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const writer = TraceStore.open(storeDir)!;
    const first = new TraceCache({ store: writer }).read(file);
    await writer.flush(); // the main thread writes entries asynchronously
    // read but not resampled: one identity entry of its own, 80 bytes (magic, rows, 8 unused, the
    // content hash in 64 hex digits), and no entry of the parsed rows
    const entries = storeNames(storeDir);
    assert.equal(entries.length, 1);
    assert.match(entries[0], /^i-[0-9a-f]{64}$/);
    const bytes = fs.readFileSync(path.join(storeDir, entries[0]));
    assert.equal(bytes.length, 80);
    assert.equal(bytes.toString('latin1', 0, 4), 'HRI1');
    assert.equal(bytes.readUInt32LE(4), 500);
    assert.equal(bytes.toString('latin1', 16, 80), createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    const store = TraceStore.open(storeDir)!;
    const st = fs.statSync(file, { bigint: true });
    let reparsed = 0;
    const reparse = (): ParsedTrace => {
      reparsed++;
      const r = new TraceCache({ store: null }).read(file);
      return r.ok ? r.parsed : assert.fail('unreadable');
    };
    const known = store.byIdentity(file, st, reparse)!;
    assert.ok(known, 'found by identity');
    assert.equal(known.rows, 500);
    assert.deepEqual(known.problems, [], 'known to parse cleanly');
    assert.equal(reparsed, 0, 'the CSV is not read until the rows are used');
    assert.deepEqual(arrays({ ok: true, parsed: known }), arrays(first));
    assert.equal(reparsed, 1);
  });

  it('a file rewritten with the same bytes misses its identity but hits its resampled entry; changed bytes are resampled afresh', async () => {
    const dir = tempWorkspace({ 't.csv': csv(100, 2) });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const h = { start: 1798761600, end: 1798761600 + 100 * 3600, step: 3600 };
    const resample = (store: TraceStore) => {
      const r = new TraceCache({ store }).read(file);
      assert.ok(r.ok);
      return resampledOnce(toSeries(r.parsed, 'UTC'), h, 'hold', 100, store);
    };
    const store = TraceStore.open(storeDir)!;
    const before = resample(store);
    assert.equal(before.stored, false, 'resampled here');
    before.stats = demandStats(before.out);
    store.putResampled(before.key!, { out: before.out, warnings: before.warnings, stats: before.stats, origin: before.origin! });
    await store.flush();
    fs.writeFileSync(file, csv(100, 2)); // same content, new mtime/ctime (as a checkout does)
    const again = resample(TraceStore.open(storeDir)!);
    assert.equal(again.stored, true, 'found by content');
    assert.deepEqual(Array.from(again.out), Array.from(before.out));
    fs.writeFileSync(file, csv(100, 3));
    const changed = resample(TraceStore.open(storeDir)!);
    assert.equal(changed.stored, false, 'new content, resampled afresh');
    assert.notDeepEqual(Array.from(changed.out), Array.from(before.out));
  });

  it('a damaged entry is ignored, and a trace with problems is not stored', async () => {
    const dir = tempWorkspace({ 't.csv': csv(50, 4), 'bad.csv': 'timestamp,value\n2027-01-01T00:00:00Z,x\n' });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const store = TraceStore.open(storeDir)!;
    const good = arrays(new TraceCache({ store }).read(file));
    await store.flush();
    const damaged = fs.readdirSync(storeDir).filter((x) => x.startsWith('i-'));
    assert.equal(damaged.length, 1);
    const st = fs.statSync(file, { bigint: true });
    for (const e of damaged) fs.writeFileSync(path.join(storeDir, e), 'HRI1 truncated');
    assert.equal(TraceStore.open(storeDir)!.byIdentity(file, st, () => assert.fail('not reparsed')), undefined, 'a truncated identity entry is absent');
    for (const e of damaged) {
      const b = Buffer.alloc(80);
      b.write('HRI1', 0, 'latin1');
      b.write('not a hash', 16, 'latin1');
      fs.writeFileSync(path.join(storeDir, e), b);
    }
    assert.equal(TraceStore.open(storeDir)!.byIdentity(file, st, () => assert.fail('not reparsed')), undefined, 'so is one whose hash is not 64 hex digits');
    const again = TraceStore.open(storeDir)!;
    assert.deepEqual(arrays(new TraceCache({ store: again }).read(file)), good);
    await again.flush();
    // the damaged identity entry was replaced: a new process finds the trace by identity again
    assert.ok(TraceStore.open(storeDir)!.byIdentity(file, fs.statSync(file, { bigint: true }), () => assert.fail('not reparsed')));
    const entries = () => storeNames(storeDir).length;
    const before = entries();
    const badStore = TraceStore.open(storeDir)!;
    const bad = new TraceCache({ store: badStore }).read(path.join(dir, 'bad.csv'));
    assert.ok(bad.ok && bad.parsed.problems.length === 1);
    await badStore.flush();
    assert.equal(entries(), before, 'nothing stored for a trace with problems');
    assert.equal(badStore.byIdentity(path.join(dir, 'bad.csv'), fs.statSync(path.join(dir, 'bad.csv'), { bigint: true }), () => assert.fail('not reparsed')), undefined);
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

  for (const onWorkers of [true, false]) it(`${onWorkers ? 'the trace workers resample each trace' : 'with files too few for workers, this thread resamples each trace'} for the run as it is parsed: the run adopts the series, stored, and its result is the same to the bit`, async () => {
    const dir = tempWorkspace(files);
    const storeDir = path.join(dir, 'store');
    const reference = runWith(dir, null);
    const traces = new TraceCache({ store: TraceStore.open(storeDir)! });
    const a = analyzePaths([dir], { cwd: dir, traces: new TraceCache({ store: null }) });
    const plan = resamplePlan(a.model)!;
    // s.csv is read by a and b in UTC with extend repeat (one spec), t.csv by c in Asia/Seoul
    assert.deepEqual([...plan.specs.values()].map((s) => s.map((x) => `${x.timezone}/${x.extend}`)).sort(), [['Asia/Seoul/repeat'], ['UTC/repeat']]);
    assert.equal(plan.steps, 48);
    // on workers: 2 files read there; here (more bytes than the two files hold are needed for workers): none
    assert.equal(await prefetchTraces(traces, [...plan.specs.keys()], { workers: 2, minBytes: onWorkers ? 0 : Infinity, resample: plan }), onWorkers ? 2 : 0);
    // this thread writes asynchronously; the workers have written before they finish
    if (!onWorkers) await traces.store!.flush();
    // the two resampled entries and the two identities are in this cache's folder (the workers once
    // wrote to the default one: traceStoreDir, not the cache's)
    if (onWorkers) {
      // each worker's in one pack (trace-pack.ts), no file per trace: one pack or two, as the two
      // workers took the two files
      const names = storeNames(storeDir);
      assert.ok(names.length >= 1 && names.length <= 2 && names.every(isPackName), names.join(', '));
      const index = readPackIndex(storeDir);
      assert.equal(index.resampled.size, 2);
      assert.equal(index.identities.size, 2);
    } else {
      // each file's identity a hard link to its entry, made once the entry's write is done
      assert.equal(resampledEntries(storeDir).length, 2);
      const identities = fs.readdirSync(storeDir).filter((e) => e.startsWith('i-'));
      assert.equal(identities.length, 2);
      const inodes = new Set(resampledEntries(storeDir).map((e) => fs.statSync(path.join(storeDir, e)).ino));
      for (const e of identities) assert.ok(inodes.has(fs.statSync(path.join(storeDir, e)).ino), `${e} is a link to a resampled entry`);
    }
    for (const file of plan.specs.keys()) {
      const known = TraceStore.open(storeDir)!.byIdentity(file, fs.statSync(file, { bigint: true }), () => assert.fail('not reparsed'));
      assert.equal(known?.hash, createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
      assert.equal(known?.rows, 48);
    }
    for (const [file, specs] of plan.specs) {
      const read = traces.read(file);
      assert.ok(read.ok);
      // resampled for every use the run makes of it: the rows were not kept (nor sent by the
      // worker), and are parsed from the CSV if anything asks for them
      assert.ok(read.parsed instanceof KnownTrace, 'no rows sent');
      assert.equal(read.parsed.rows, 48);
      const r = resampledOnce(toSeries(read.parsed, specs[0].timezone), plan.horizon, 'repeat', 48);
      assert.equal(r.stored, true, 'adopted from the read ahead (a series resampled only now would not be stored yet)');
      assert.deepEqual(arrays(read), arrays(new TraceCache({ store: null }).read(file)));
      assert.ok(r.out.buffer instanceof SharedArrayBuffer, 'in shared memory (from a worker: not copied)');
      // and a new process finds it in the store, the same to the bit
      assert.deepEqual(TraceStore.open(storeDir)!.resampled(r.key!)?.out, r.out);
      assert.deepEqual(r.stats, demandStats(r.out));
    }
    const ahead = simulate(analyzePaths([dir], { cwd: dir, traces }), { traces });
    assert.deepEqual(ahead.result, reference.result);
    assert.deepEqual(ahead.stats, reference.stats);
  });

  it('a damaged entry is treated as absent and written anew; a trace known by identity is parsed from its CSV when its rows are used', async () => {
    const dir = tempWorkspace(files);
    const storeDir = path.join(dir, 'store');
    const store = TraceStore.open(storeDir)!;
    const reference = runWith(dir, null);
    runWith(dir, store);
    await store.flush();
    for (const e of resampledEntries(storeDir)) fs.writeFileSync(path.join(storeDir, e), 'HRR3 truncated');
    const again = TraceStore.open(storeDir)!;
    assert.deepEqual(runWith(dir, again).result, reference.result);
    await again.flush();
    for (const e of resampledEntries(storeDir)) assert.ok(again.resampled(e.slice(2, -4)), `${e} rewritten whole`);
    // bytes changed in place (the size and header intact): a value no longer matches the stored peak, so the entry is not used
    for (const e of resampledEntries(storeDir)) {
      const f = path.join(storeDir, e);
      const bytes = fs.readFileSync(f);
      bytes.writeDoubleLE(1e9, 128 + 8 * 3); // the fourth step's value, after the 128-byte header (16 bytes, six statistics, the 64-digit content hash)
      fs.writeFileSync(f, bytes);
      assert.equal(again.resampled(e.slice(2, -4)), undefined, `${e} refused`);
    }
    assert.deepEqual(runWith(dir, TraceStore.open(storeDir)!).result, reference.result);
    // known by identity (a link to a resampled entry) after the run: its rows, when used, are parsed from the CSV
    const file = path.join(dir, 's.csv');
    const st = fs.statSync(file, { bigint: true });
    const reparse = (): ParsedTrace => {
      const r = new TraceCache({ store: null }).read(file);
      return r.ok ? r.parsed : assert.fail('unreadable');
    };
    const lazy = again.byIdentity(file, st, reparse)!;
    assert.ok(lazy, 'known by identity');
    assert.equal(lazy.wall.length, 48);
    assert.equal(lazy.values[23], 330);
  });
});

describe('reading file after file into one RowScratch', () => {
  it('a parse the reader keeps is copied out of the scratch; the next file parsed into it leaves it as it was', () => {
    // kept.csv has a malformed row (a parse with problems is returned, not resampled); next.csv is clean
    const dir = tempWorkspace({ 'kept.csv': 'timestamp,value\n1798761600,5\n1798765200,oops\n1798768800,7\n', 'next.csv': csv(48, 3) });
    const rows = new RowScratch();
    const kept = readAhead(path.join(dir, 'kept.csv'), undefined, undefined, rows);
    assert.ok(kept.read?.ok);
    const p = kept.read.parsed;
    assert.equal(p.problems.length, 1);
    assert.ok(!rows.holds(p.wall) && !rows.holds(p.values) && !rows.holds(p.hasOffset), 'its own arrays');
    const next = parseTraceBytes(fs.readFileSync(path.join(dir, 'next.csv')), { into: rows });
    assert.ok(rows.holds(next.wall), 'the next parse is in the scratch');
    // the two good rows of kept.csv, untouched by next.csv's 48
    assert.deepEqual([...p.wall], [1798761600, 1798768800]);
    assert.deepEqual([...p.values], [5, 7]);
  });
});

describe('trace store: packs (what a trace worker stores, one file per worker)', () => {
  const hex = (c: string) => c.repeat(64);
  const origin = { hash: hex('c'), rows: 48 };

  it('a pack holds its entries and identities once it is finished, and only then; its entries read back byte for byte', () => {
    const dir = tempWorkspace({});
    const w = new PackWriter(dir);
    const a = Buffer.from('first entry, 20 b..');
    const b = Buffer.from('second, in two pieces');
    assert.ok(w.resampled(hex('a'), [a]));
    assert.ok(w.resampled(hex('b'), [b.subarray(0, 7), b.subarray(7)]));
    w.identity(hex('1'), origin);
    // written so far under a temporary name: a reader sees no pack
    assert.deepEqual(fs.readdirSync(dir).filter(isPackName), []);
    assert.equal(readPackIndex(dir).resampled.size, 0);
    w.finish();
    const names = fs.readdirSync(dir);
    assert.equal(names.length, 1, 'the pack alone, no temporary file left');
    assert.ok(isPackName(names[0]));
    const index = readPackIndex(dir);
    // entries from byte 8 (after "HRP1" and 4 unused bytes), one after the other
    assert.deepEqual(index.resampled.get(hex('a')), { file: path.join(dir, names[0]), offset: 8, length: a.length });
    assert.deepEqual(index.resampled.get(hex('b')), { file: path.join(dir, names[0]), offset: 8 + a.length, length: b.length });
    assert.deepEqual(Buffer.from(readPacked(index.resampled.get(hex('b'))!)), b);
    assert.deepEqual(index.identities.get(hex('1')), origin);
    // the store reads them: the identity as a known trace; an entry whose bytes are no resampled
    // series (these two) as absent, without throwing
    const store = TraceStore.open(dir)!;
    assert.equal(store.resampled(hex('a')), undefined);
    // size: 8 + 19 + 21 bytes of entries, 3 index records of 80, a trailer of 16
    assert.equal(fs.statSync(path.join(dir, names[0])).size, 8 + 19 + 21 + 3 * 80 + 16);
  });

  it('a pack cut short or with a foreign trailer is skipped, the others still read', () => {
    const dir = tempWorkspace({});
    for (const k of ['1', '2']) {
      const w = new PackWriter(dir);
      w.identity(hex(k), origin);
      w.finish();
    }
    const [first] = fs.readdirSync(dir).filter(isPackName).sort();
    const file = path.join(dir, first);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    assert.equal(readPackIndex(dir).identities.size, 1, 'the cut pack skipped');
    const foreign = Buffer.from(bytes);
    foreign.write('XXXX', foreign.length - 4, 'latin1');
    fs.writeFileSync(file, foreign);
    assert.equal(readPackIndex(dir).identities.size, 1, 'a trailer without its mark skipped');
    fs.writeFileSync(file, bytes);
    assert.equal(readPackIndex(dir).identities.size, 2, 'restored, both read');
  });

  it('only a store opened packed (the trace workers\') packs; on another worker thread (the diff\'s base, the editor\'s analysis) each entry is its own file at once', async () => {
    const dir = tempWorkspace({});
    const { Worker } = await import('worker_threads');
    const code = `
      const { TraceStore } = require(${JSON.stringify(require.resolve('../engine/traffic/trace-store'))});
      const fs = require('fs');
      const store = TraceStore.open(${JSON.stringify(dir)});
      const st = fs.statSync(${JSON.stringify(dir)}, { bigint: true });
      store.putIdentity(${JSON.stringify(path.join(dir, 'x.csv'))}, st, { hash: '${'c'.repeat(64)}', rows: 48 });`;
    await new Promise<void>((resolve, reject) => new Worker(code, { eval: true }).on('error', reject).on('exit', () => resolve()));
    const names = fs.readdirSync(dir);
    assert.equal(names.length, 1);
    assert.ok(names[0].startsWith('i-'), names[0]);
  });

  it('a pack left unfinished (its worker killed) is removed once an hour old, by the store\'s sweep; a newer one may still be being written', async () => {
    const dir = tempWorkspace({});
    fs.writeFileSync(path.join(dir, 'pack-old.hrp.tmp'), 'HRP1');
    fs.writeFileSync(path.join(dir, 'pack-new.hrp.tmp'), 'HRP1');
    const twoHoursAgo = Date.now() / 1000 - 7200;
    fs.utimesSync(path.join(dir, 'pack-old.hrp.tmp'), twoHoursAgo, twoHoursAgo);
    await sweepStore(dir, DEFAULT_STORE_BYTES);
    assert.deepEqual(fs.readdirSync(dir), ['pack-new.hrp.tmp']);
  });

  it(`past ${MAX_PACKS} packs the oldest are deleted when the store is read`, () => {
    const dir = tempWorkspace({});
    const now = Date.now() / 1000;
    const id = (k: number) => k.toString(16).padStart(64, '0');
    for (let k = 0; k < MAX_PACKS + 2; k++) {
      const before = new Set(fs.readdirSync(dir));
      const w = new PackWriter(dir);
      w.identity(id(k), origin);
      w.finish();
      // the pack with identity k is k minutes older than the newest (identity 0)
      const made = fs.readdirSync(dir).find((n) => !before.has(n))!;
      fs.utimesSync(path.join(dir, made), now - 60 * k, now - 60 * k);
    }
    const index = readPackIndex(dir);
    assert.equal(index.identities.size, MAX_PACKS);
    assert.equal(fs.readdirSync(dir).filter(isPackName).length, MAX_PACKS);
    // the two oldest, identities MAX_PACKS and MAX_PACKS + 1, are gone; the newest stays
    assert.ok(index.identities.has(id(0)));
    assert.ok(!index.identities.has(id(MAX_PACKS)) && !index.identities.has(id(MAX_PACKS + 1)));
  });
});

describe('trace store: kept within its size (trace-store-sweep.ts)', () => {
  const hex = (k: number) => k.toString(16).padStart(64, '0');
  const write = (dir: string, name: string, bytes: number, ageSeconds: number) => {
    fs.writeFileSync(path.join(dir, name), Buffer.alloc(bytes, 1));
    const at = Date.now() / 1000 - ageSeconds;
    fs.utimesSync(path.join(dir, name), at, at);
  };

  it('removes earlier layouts and old temporaries, then the oldest entries past the limit down to 3/4 of it; linked names go together; other files are never touched', async () => {
    const dir = tempWorkspace({});
    write(dir, `r-${hex(1)}.bin`, 400, 3 * 3600); // oldest: 400 B, with its identity linked to it
    fs.linkSync(path.join(dir, `r-${hex(1)}.bin`), path.join(dir, `i-${hex(2)}`));
    write(dir, `r-${hex(3)}.bin`, 400, 2 * 3600);
    write(dir, `r-${hex(4)}.bin`, 400, 3600);
    write(dir, 'pack-1-a.hrp', 100, 0);
    write(dir, `c-${hex(5)}.bin`, 50, 0); // an earlier layout: removed whatever its age
    write(dir, `r-${hex(6)}.bin.123.abc.tmp`, 30, 2 * 3600); // a killed process's temporary file
    write(dir, `r-${hex(7)}.bin.124.def.tmp`, 30, 0); // one being written
    write(dir, 'notes.txt', 10, 5 * 3600);
    write(dir, 'r-not-a-key.bin', 10, 5 * 3600);
    fs.mkdirSync(path.join(dir, `r-${hex(8)}.bin`)); // a folder with an entry's name
    // entries: 400 (two names, one file) + 400 + 400 + 100 = 1,300 B against a limit of 1,000:
    // the oldest go until at most 750 are left, r-1 with i-2 (900 left) then r-3 (500 left)
    const r = await sweepStore(dir, 1000);
    assert.deepEqual(r, { removed: 5, freedBytes: 50 + 30 + 400 + 400, keptBytes: 500 });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['notes.txt', 'pack-1-a.hrp', `r-${hex(4)}.bin`, `r-${hex(7)}.bin.124.def.tmp`, `r-${hex(8)}.bin`, 'r-not-a-key.bin'].sort());
    // within the limit, nothing more goes
    assert.deepEqual(await sweepStore(dir, 1000), { removed: 0, freedBytes: 0, keptBytes: 500 });
  });

  it('counts the document cache\'s entries (y-<key>.json: model/document-cache.ts) as current, and removes their temporary files once an hour old', async () => {
    const dir = tempWorkspace({});
    write(dir, `y-${hex(1)}.json`, 400, 2 * 3600);
    write(dir, `y-${hex(2)}.json`, 400, 3600);
    write(dir, `y-${hex(3)}.json.123.abc.tmp`, 30, 2 * 3600); // a killed process's
    write(dir, `y-${hex(4)}.json.124.def.tmp`, 30, 0); // one being written
    // 800 B of entries against 1,000: kept; the old temporary goes
    assert.deepEqual(await sweepStore(dir, 1000), { removed: 1, freedBytes: 30, keptBytes: 800 });
    // against 600: the older entry goes (400 left, within 3/4 of 600)
    assert.deepEqual(await sweepStore(dir, 600), { removed: 1, freedBytes: 400, keptBytes: 400 });
    assert.deepEqual(fs.readdirSync(dir).sort(), [`y-${hex(2)}.json`, `y-${hex(4)}.json.124.def.tmp`]);
  });

  it('past the most names (10,000; 4 here) the oldest go too, down to 3/4 of it, however small they are', async () => {
    const dir = tempWorkspace({});
    for (let k = 1; k <= 6; k++) write(dir, `i-${hex(k)}`, 80, 3600 * (10 - k)); // i-1 the oldest
    // 6 names against at most 4: the oldest go until 3 are left (i-4, i-5, i-6); size is no bound here
    assert.deepEqual(await sweepStore(dir, 1e9, Date.now(), 4), { removed: 3, freedBytes: 240, keptBytes: 240 });
    assert.deepEqual(storeNames(dir).sort(), [4, 5, 6].map((k) => `i-${hex(k)}`));
    assert.equal(MAX_ENTRIES, 10_000);
  });

  it('sweeps at most once an hour (its .swept marker); a malformed HEADROOM_TRACE_CACHE_MAX sweeps nothing', async () => {
    const dir = tempWorkspace({});
    write(dir, `r-${hex(1)}.bin`, 400, 3600);
    write(dir, `r-${hex(2)}.bin`, 400, 0);
    const env = { HEADROOM_TRACE_CACHE_MAX: '500' };
    assert.equal(sweepIfDue(dir, Date.now(), { HEADROOM_TRACE_CACHE_MAX: 'lots' }), undefined);
    assert.equal(storeNames(dir).length, 2);
    assert.throws(() => storeLimit({ HEADROOM_TRACE_CACHE_MAX: 'lots' }), /HEADROOM_TRACE_CACHE_MAX="lots" is not a size/);
    assert.equal(storeLimit({}), 2 * 1024 ** 3);
    assert.equal(storeLimit({ HEADROOM_TRACE_CACHE_MAX: '1.5KiB' }), 1536);
    // 800 B against a limit of 500: the oldest go until at most 375 B are left, so both (the
    // newer's 400 B alone is still more)
    assert.deepEqual(await sweepIfDue(dir, Date.now(), env), { removed: 2, freedBytes: 800, keptBytes: 0 });
    write(dir, `r-${hex(3)}.bin`, 600, 0);
    assert.equal(sweepIfDue(dir, Date.now(), env), undefined, 'swept less than an hour ago');
    assert.deepEqual(await sweepIfDue(dir, Date.now() + 3600_000 + 1000, env), { removed: 1, freedBytes: 600, keptBytes: 0 });
  });

  it('a store read by a process is swept in the background (flush waits for it); a trace worker\'s (packed) store is not; the CLI refuses a malformed limit', async () => {
    const dir = tempWorkspace({});
    write(dir, `c-${hex(9)}.bin`, 50, 0);
    const worker = TraceStore.open(dir, { packed: true })!;
    worker.resampled(hex(1));
    await worker.flush();
    assert.deepEqual(storeNames(dir), [`c-${hex(9)}.bin`]);
    const store = TraceStore.open(dir)!;
    store.resampled(hex(1));
    await store.flush();
    assert.deepEqual(storeNames(dir), []);
    assert.ok(fs.existsSync(path.join(dir, '.swept')));
    const before = process.env.HEADROOM_TRACE_CACHE_MAX;
    process.env.HEADROOM_TRACE_CACHE_MAX = '2 gigs';
    try {
      const r = await cli(['lint', dir]);
      assert.equal(r.code, 2);
      assert.equal(r.err, 'headroom: HEADROOM_TRACE_CACHE_MAX="2 gigs" is not a size (bytes, or a number with KiB, MiB, GiB or TiB)\n');
    } finally {
      if (before === undefined) delete process.env.HEADROOM_TRACE_CACHE_MAX;
      else process.env.HEADROOM_TRACE_CACHE_MAX = before;
    }
  });
});

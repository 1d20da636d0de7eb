/** The on-disk trace cache (trace-store.ts) and the parallel reader (trace-prefetch.ts). */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TraceCache } from '../engine/traffic/trace-file';
import { TraceStore } from '../engine/traffic/trace-store';
import { prefetchTraces } from '../engine/traffic/trace-prefetch';
import { tempWorkspace } from './helpers';

const csv = (n: number, seed: number) => 'timestamp,value\n' + Array.from({ length: n }, (_, i) => `${1798761600 + 3600 * i},${((i * 7919 + seed) % 1000) / 8}`).join('\n') + '\n';
const arrays = (r: ReturnType<TraceCache['read']>) => {
  assert.ok(r.ok);
  return { wall: Array.from(r.parsed.wall), values: Array.from(r.parsed.values), hasOffset: Array.from(r.parsed.hasOffset) };
};

describe('trace store (on-disk cache of parsed traces)', () => {
  it('a second process reads the parsed trace from the store, identical, without the CSV', () => {
    const dir = tempWorkspace({ 't.csv': csv(500, 1) });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const first = new TraceCache({ store: TraceStore.open(storeDir) }).read(file);
    // one content entry (c-<sha256>.bin: 16-byte header + 17 bytes per row) and one identity entry
    const entries = fs.readdirSync(storeDir).sort();
    assert.equal(entries.length, 2);
    assert.equal(fs.statSync(path.join(storeDir, entries.find((e) => e.startsWith('c-'))!)).size, 16 + 17 * 500);
    const store = TraceStore.open(storeDir)!;
    const st = fs.statSync(file, { bigint: true });
    assert.ok(store.byIdentity(file, st), 'found by identity');
    const second = new TraceCache({ store }).read(file);
    assert.deepEqual(arrays(second), arrays(first));
  });

  it('a file rewritten with the same bytes hits its content entry; changed bytes are parsed afresh', () => {
    const dir = tempWorkspace({ 't.csv': csv(100, 2) });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const before = arrays(new TraceCache({ store: TraceStore.open(storeDir) }).read(file));
    fs.writeFileSync(file, csv(100, 2)); // same content, new mtime/ctime (as a checkout does)
    assert.deepEqual(arrays(new TraceCache({ store: TraceStore.open(storeDir) }).read(file)), before);
    assert.equal(fs.readdirSync(storeDir).filter((e) => e.startsWith('c-')).length, 1, 'no second content entry');
    fs.writeFileSync(file, csv(100, 3));
    const changed = arrays(new TraceCache({ store: TraceStore.open(storeDir) }).read(file));
    assert.notDeepEqual(changed.values, before.values);
  });

  it('a damaged entry is ignored, and a trace with problems is not stored', () => {
    const dir = tempWorkspace({ 't.csv': csv(50, 4), 'bad.csv': 'timestamp,value\n2027-01-01T00:00:00Z,x\n' });
    const storeDir = path.join(dir, 'store');
    const file = path.join(dir, 't.csv');
    const good = arrays(new TraceCache({ store: TraceStore.open(storeDir) }).read(file));
    for (const e of fs.readdirSync(storeDir).filter((x) => x.startsWith('c-'))) fs.writeFileSync(path.join(storeDir, e), 'HRT1 truncated');
    assert.deepEqual(arrays(new TraceCache({ store: TraceStore.open(storeDir) }).read(file)), good);
    const contentEntries = () => fs.readdirSync(storeDir).filter((x) => x.startsWith('c-')).length;
    const before = contentEntries();
    const bad = new TraceCache({ store: TraceStore.open(storeDir) }).read(path.join(dir, 'bad.csv'));
    assert.ok(bad.ok && bad.parsed.problems.length === 1);
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

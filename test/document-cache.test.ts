/** The on-disk cache of what the fast YAML path read (model/document-cache.ts), through the loader and the CLI. */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePaths } from '../engine/lint/lint';
import { DocumentCache } from '../engine/model/document-cache';
import type { Chunk, DocumentStore } from '../engine/model/workspace-loader';
import { FIXTURES, REPO, tempWorkspace } from './helpers';

const FIX = path.join(FIXTURES, 'toss-hybrid');
const BROKEN = path.join(FIXTURES, 'broken');
const entries = (dir: string) => fs.readdirSync(dir).filter((n) => /^y-[0-9a-f]{64}\.json$/.test(n)).sort();

/** A store that counts what it was asked and what it found. */
function counting(inner: DocumentCache): DocumentStore & { gets: number; hits: number; puts: number } {
  const c = {
    gets: 0, hits: 0, puts: 0,
    get(text: string): Chunk[] | undefined {
      c.gets++;
      const got = inner.get(text);
      if (got) c.hits++;
      return got;
    },
    put(text: string, chunks: readonly Chunk[]): void {
      c.puts++;
      inner.put(text, chunks);
    },
  };
  return c;
}

/** What an analysis says, in a form deepEqual compares: every document's value and every diagnostic with its range. */
const said = (a: ReturnType<typeof analyzePaths>) => ({ values: a.documents.map((d) => d.source.value), diagnostics: a.diagnostics });

describe('document cache (the YAML documents of a file, by its text)', () => {
  it('a second analysis takes every file from the cache, with the same values and the same diagnostics to the column; a changed text misses', async () => {
    for (const ws of [FIX, path.join(BROKEN, 'unknown-reference'), path.join(BROKEN, 'shares-sum')]) {
      const dir = path.join(tempWorkspace({}), 'store');
      const cache = DocumentCache.open(dir)!;
      const first = counting(cache);
      const fresh = analyzePaths([ws], { cwd: ws, documents: first });
      await cache.flush();
      // every file read is looked up and, missing, stored once
      assert.equal(first.hits, 0, ws);
      assert.equal(first.puts, first.gets, ws);
      assert.equal(entries(dir).length, first.puts, ws);
      const second = counting(DocumentCache.open(dir)!);
      const cached = analyzePaths([ws], { cwd: ws, documents: second });
      assert.equal(second.hits, second.gets, ws);
      assert.equal(second.puts, 0, ws);
      assert.deepEqual(said(cached), said(fresh), ws);
      assert.deepEqual(said(cached), said(analyzePaths([ws], { cwd: ws })), ws);
    }
    // the toss-hybrid fixture: 9 YAML files (settings, placement, scenarios, 2 sites, 4 workload files)
    const dir = path.join(tempWorkspace({}), 'store');
    const cache = DocumentCache.open(dir)!;
    analyzePaths([FIX], { cwd: FIX, documents: cache });
    await cache.flush();
    assert.equal(entries(dir).length, 9);
    // an unsaved edit of one file (the editor's overrides) misses, and is stored besides
    const placement = path.join(FIX, 'placement.yaml');
    const edited = fs.readFileSync(placement, 'utf8').replace('mode: active-active', 'mode: active-passive');
    const third = counting(cache);
    const a = analyzePaths([FIX], { cwd: FIX, documents: third, overrides: new Map([[placement, edited]]) });
    assert.equal(third.gets - third.hits, 1);
    assert.equal(a.model.placements.values().next().value!.mode, 'active-passive');
    await cache.flush();
    assert.equal(entries(dir).length, 10);
  });

  it('the entry is what is read: one whose value was changed on disk gives that value (its name is its text\'s hash, so nothing else can)', async () => {
    const ws = tempWorkspace({ 'site.yaml': fs.readFileSync(path.join(FIX, 'sites', 'pangyo.yaml'), 'utf8') });
    const dir = path.join(ws, 'store');
    const cache = DocumentCache.open(dir)!;
    analyzePaths([path.join(ws, 'site.yaml')], { cwd: ws, documents: cache });
    await cache.flush();
    const [name] = entries(dir);
    const file = path.join(dir, name);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { values: { metadata: { name: string } }[] };
    assert.equal(entry.values[0].metadata.name, 'pangyo');
    entry.values[0].metadata.name = 'pangyo-from-cache';
    fs.writeFileSync(file, JSON.stringify(entry));
    const a = analyzePaths([path.join(ws, 'site.yaml')], { cwd: ws, documents: DocumentCache.open(dir)! });
    assert.deepEqual([...a.model.sites.keys()], ['pangyo-from-cache']);
  });

  it('a damaged entry is absent: the file is parsed again as without a cache, and its entry written anew', async () => {
    const text = fs.readFileSync(path.join(FIX, 'sites', 'pangyo.yaml'), 'utf8');
    const ws = tempWorkspace({ 'site.yaml': text });
    const target = path.join(ws, 'site.yaml');
    const dir = path.join(ws, 'store');
    const cache = DocumentCache.open(dir)!;
    const fresh = analyzePaths([target], { cwd: ws, documents: cache });
    await cache.flush();
    const [name] = entries(dir);
    const file = path.join(dir, name);
    const good = fs.readFileSync(file, 'utf8');
    const entry = JSON.parse(good) as { bounds: [number, number][]; values: unknown[] };
    const damaged: [string, string][] = [
      ['cut short', good.slice(0, good.length >> 1)],
      ['not JSON at all', '\u0000\u0000\u0000'],
      ['bounds past the text', JSON.stringify({ ...entry, bounds: [[0, text.length + 1]] })],
      ['bounds out of order', JSON.stringify({ bounds: [[10, 20], [0, 5]], values: [null, null] })],
      ['fewer values than bounds', JSON.stringify({ ...entry, values: [] })],
      ['a list as a document', JSON.stringify({ ...entry, values: [[1, 2]] })],
      ['a bound that is not a whole number', JSON.stringify({ ...entry, bounds: [[0, 1.5]] })],
    ];
    for (const [why, bytes] of damaged) {
      fs.writeFileSync(file, bytes);
      const inner = DocumentCache.open(dir)!;
      const store = counting(inner);
      const a = analyzePaths([target], { cwd: ws, documents: store });
      assert.equal(store.hits, 0, why);
      assert.deepEqual(said(a), said(fresh), why);
      await inner.flush(); // the miss's entry, written anew before the next damage
    }
    // the last miss wrote the entry anew, whole
    const again = DocumentCache.open(dir)!;
    analyzePaths([target], { cwd: ws, documents: again });
    await again.flush();
    assert.equal(fs.readFileSync(file, 'utf8'), good);
  });

  it('values JSON cannot carry (.inf, .nan, -0) keep a file out of the cache; the file still reads as without one', async () => {
    for (const value of ['.inf', '-.inf', '.nan', '-0.0']) {
      const text = `apiVersion: headroom.dev/v1\nkind: Settings\nmetadata: { name: s }\nspec:\n  reportingCurrency: KRW\n  note: ${value}\n`;
      const ws = tempWorkspace({ 's.yaml': text });
      const dir = path.join(ws, 'store');
      const cache = DocumentCache.open(dir)!;
      const store = counting(cache);
      const a = analyzePaths([path.join(ws, 's.yaml')], { cwd: ws, documents: store });
      await cache.flush();
      assert.equal(store.puts, 1, value); // asked to store ...
      assert.deepEqual(entries(dir), [], value); // ... and declined
      assert.deepEqual(said(a), said(analyzePaths([path.join(ws, 's.yaml')], { cwd: ws })), value);
    }
    // 1e308 and the integer -0 (js-yaml reads it as 0) are exact in JSON: stored, and read back the same
    const ws = tempWorkspace({ 's.yaml': 'apiVersion: headroom.dev/v1\nkind: Settings\nmetadata: { name: s }\nspec: { a: -0, b: 1e308 }\n' });
    const cache = DocumentCache.open(path.join(ws, 'store'))!;
    const fresh = analyzePaths([path.join(ws, 's.yaml')], { cwd: ws, documents: cache });
    await cache.flush();
    assert.equal(entries(path.join(ws, 'store')).length, 1);
    const cached = analyzePaths([path.join(ws, 's.yaml')], { cwd: ws, documents: DocumentCache.open(path.join(ws, 'store'))! });
    assert.deepEqual(said(cached), said(fresh));
    assert.ok(Object.is((cached.documents[0].source.value as { spec: { a: number } }).spec.a, 0));
  });

  it('the CLI keeps its entries in HEADROOM_TRACE_CACHE, one per YAML file, and none with HEADROOM_TRACE_CACHE=off', () => {
    const bin = path.join(REPO, 'bin', 'headroom.js');
    const dir = path.join(tempWorkspace({}), 'store');
    const env = { ...process.env, HEADROOM_TRACE_CACHE: dir };
    const first = spawnSync(process.execPath, [bin, 'lint', FIX], { env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.equal(entries(dir).length, 9); // the 9 YAML files of the fixture
    const second = spawnSync(process.execPath, [bin, 'lint', FIX], { env, encoding: 'utf8' });
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.stderr, first.stderr);
    assert.equal(entries(dir).length, 9);
    const off = path.join(tempWorkspace({}), 'never');
    const r = spawnSync(process.execPath, [bin, 'lint', FIX], { env: { ...process.env, HEADROOM_TRACE_CACHE: 'off', XDG_CACHE_HOME: off }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.existsSync(off), false);
  });
});

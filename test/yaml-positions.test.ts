/**
 * The position index (yaml-positions.ts, from js-yaml's parse events) must give exactly the
 * ranges the `yaml` CST gives, for every key and value path of every fixture and of texts
 * chosen for their corner cases; outside its subset it must decline (undefined), never guess.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { Path, SourceDocument, SourceFile } from '../engine/model/source-document';
import { fastChunks } from '../engine/model/workspace-loader';
import { indexPositions, LineIndex } from '../engine/model/yaml-positions';
import { REPO as repoRoot } from './helpers';

function paths(value: unknown, prefix: (string | number)[] = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** Compares both backends on every path; returns how many paths were compared. */
function compareBackends(text: string, name: string): number {
  const values = loadAll(text, undefined, { schema: CORE_SCHEMA }) as unknown[];
  const chunks = fastChunks(text);
  assert.ok(chunks, `${name}: the fast loader should take this text`);
  // the split at `---` lines reads the same documents, in the same order, as the whole file
  assert.deepEqual(chunks.map((c) => c.value), values.map((v) => (v === undefined ? null : v)), `${name}: documents`);
  const fast = new SourceFile(name, name, text);
  const slow = new SourceFile(name, name, text);
  let n = 0;
  values.forEach((value, index) => {
    const c = chunks[index];
    if (c.value === null) return; // an empty document is never analyzed
    assert.notEqual(fast.chunkRoot(c.start, c.end), undefined, `${name} doc ${index}: the index should cover this document`);
    const a = new SourceDocument(fast, index, value, c);
    const b = new SourceDocument(slow, index, value);
    for (const p of paths(value)) {
      const where = `${name} doc ${index} ${JSON.stringify(p)}`;
      assert.deepEqual(a.rangeOf(p), b.rangeOf(p), `rangeOf ${where}`);
      assert.deepEqual(a.rangeOf(p, 'key'), b.rangeOf(p, 'key'), `rangeOf key ${where}`);
      assert.deepEqual(a.keyRange(p), b.keyRange(p), `keyRange ${where}`);
      assert.deepEqual(a.mapIndent(p), b.mapIndent(p), `mapIndent ${where}`);
      assert.deepEqual(a.valueRange(p), b.valueRange(p), `valueRange ${where}`);
      n++;
    }
  });
  return n;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(f, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(f);
  }
  return out;
}

describe('yaml-positions: the js-yaml event index', () => {
  it('gives the same ranges as the yaml CST for every path of every parseable fixture file', () => {
    let compared = 0;
    let files = 0;
    for (const f of yamlFiles(path.join(repoRoot, 'fixtures'))) {
      const text = fs.readFileSync(f, 'utf8');
      let ok = true;
      try {
        loadAll(text, undefined, { schema: CORE_SCHEMA });
      } catch {
        ok = false; // the broken fixtures with syntax errors go through `yaml` only
      }
      if (!ok || indexPositions(text, loadAll(text, undefined, { schema: CORE_SCHEMA }) as unknown[]) === undefined) continue;
      compared += compareBackends(text, path.relative(repoRoot, f));
      files++;
    }
    // toss-hybrid alone has 13 workloads with several keys each: well over 500 paths
    assert.ok(files >= 10, `${files} files`);
    assert.ok(compared > 500, `${compared} paths`);
  });

  it('agrees on comments, quotes, flow maps over several lines, empty values, CRLF and lists', () => {
    const cases: Record<string, string> = {
      comments: 'a: 1 # one\n# between\nb:   two   # trailing\nc:\n  # lead\n  d: [1, 2]   \n',
      quotes: `"q k": 'single'\nplain: "double \\" quote"\nnum: 1.5e3\n`,
      flow: 'spec:\n  workloads:\n    w: { shares: { a: 40,\n        b: 60 }, note: x }\n    v: {shares: {a: 100}}\n',
      empty: 'a:\nb:\n  c:\n  d: 1\ne: ~\n',
      crlf: 'kind: Site\r\nspec:\r\n  hosts: 4\r\n  name: "x"\r\n',
      lists: 'spec:\n  events:\n    - { at: 1, kind: a }\n    - at: 2\n      kind: b\n  tags: [x, y]\n',
      multi: 'kind: A\n---\nkind: B\nspec: { x: 1 }\n---\n',
      block: 'notes: |\n  line one\n  line two\nafter: 1\n',
      korean: 'metadata:\n  name: 결제-api   # 한국어 주석\n  owner: "플랫폼팀"\nspec: { 가: 1 }\n',
      spacedKey: 'a   : 1\nlist:\n- x\n- { y: 2 }\n- [3, 4]\n',
      onlyComments: '# nothing here\n---\nkind: A\n',
      noFinalNewline: 'a:\n  b: 1\n  c: [1,\n    2]',
    };
    for (const [name, text] of Object.entries(cases)) compareBackends(text, name);
  });

  it('splits at `---` lines into the documents the whole-file parse gives, empty ones included', () => {
    const cases: [string, unknown[]][] = [
      ['a: 1\n---\n', [{ a: 1 }, null]],
      ['---\na: 1', [{ a: 1 }]],
      ['# c\n---\na: 1\n', [{ a: 1 }]],
      ['a: 1\n---\n---\nb: 2\n', [{ a: 1 }, null, { b: 2 }]],
      ['\n---\n# only comment\n---\nb: 1', [null, { b: 1 }]],
      ['', []],
      ['---\n---\n', [null, null]],
      ['a: 1\r\n---\r\nb: 2\r\n', [{ a: 1 }, { b: 2 }]],
    ];
    for (const [text, docs] of cases) {
      assert.deepEqual(loadAll(text, undefined, { schema: CORE_SCHEMA }), docs, `js-yaml on ${JSON.stringify(text)}`);
      assert.deepEqual(fastChunks(text)?.map((c) => c.value), docs, JSON.stringify(text));
    }
    // directives, document-end markers and `--- content` are left to the yaml parser
    for (const text of ['%YAML 1.2\n---\na: 1\n', 'a: 1\n...\n---\nb: 2\n', '--- {a: 1}\n', '~\n---\na: 1\n']) assert.equal(fastChunks(text), undefined, text);
  });

  it('declines anchors, aliases, tags and explicit keys (the yaml CST handles them)', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '? a\n: 1\n']) {
      let values: unknown[];
      try {
        values = loadAll(text, undefined, { schema: CORE_SCHEMA }) as unknown[];
      } catch {
        continue;
      }
      assert.equal(indexPositions(text, values), undefined, text);
    }
  });

  it('declines when the values do not match the text (never a guessed position)', () => {
    // values from another text: key b is missing from the index
    assert.equal(indexPositions('a: 1\n', [{ a: 1, b: 2 }]), undefined);
    assert.equal(indexPositions('a: [1, 2]\n', [{ a: [1] }]), undefined);
  });

  it('LineIndex: 1-based line and column; offsets at a line start and past the end', () => {
    // "ab\ncd\n": line starts at 0, 3, 6
    const li = new LineIndex('ab\ncd\n');
    assert.deepEqual(li.linePos(0), { line: 1, col: 1 });
    assert.deepEqual(li.linePos(2), { line: 1, col: 3 });
    assert.deepEqual(li.linePos(3), { line: 2, col: 1 });
    assert.deepEqual(li.linePos(6), { line: 3, col: 1 });
  });
});

describe('yaml-positions: what is under the cursor', () => {
  it('names the same key or scalar as the yaml CST at every character of every token of the fixtures', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { locateInCst } = require('../engine/report/language-service') as typeof import('../engine/report/language-service');
    let compared = 0;
    for (const f of yamlFiles(path.join(repoRoot, 'fixtures', 'toss-hybrid'))) {
      const text = fs.readFileSync(f, 'utf8');
      const chunks = fastChunks(text)!;
      const fast = new SourceFile(f, f, text);
      const slow = new SourceFile(f, f, text);
      chunks.forEach((c, index) => {
        if (c.value === null) return;
        const a = new SourceDocument(fast, index, c.value, c);
        const b = new SourceDocument(slow, index, c.value);
        for (let off = c.start; off < c.end; off++) {
          const cst = locateInCst(b, off);
          // characters of keys and scalar values (not the spaces, punctuation and comments between)
          if (cst.text === undefined || !cst.range || off >= cst.range.end) continue;
          const idx = a.locateIndexed(off)!;
          assert.deepEqual({ path: idx.path, onKey: idx.onKey, text: idx.text, range: idx.range }, { path: cst.path, onKey: cst.onKey, text: cst.text, range: cst.range }, `${path.relative(repoRoot, f)} offset ${off}`);
          compared++;
        }
      });
    }
    assert.ok(compared > 5000, `${compared} characters`);
  });

  it('an empty value gives its key path, for completion after `flavor: `', () => {
    const text = 'spec:\n  flavor: \n  instanceType: m6i\n';
    const [c] = fastChunks(text)!;
    const doc = new SourceDocument(new SourceFile('w', 'w', text), 0, c.value, c);
    // offset just after "flavor: " on line 2: 6 + 2 + 8 = 16
    assert.deepEqual(doc.locateIndexed(16), { path: ['spec', 'flavor'], onKey: false });
    // on the value m6i: "spec:\n" 6 + "  flavor: \n" 11 + "  instanceType: " 16 = 33
    assert.deepEqual(doc.locateIndexed(34), { path: ['spec', 'instanceType'], onKey: false, text: 'm6i', range: { start: 33, end: 36 } });
  });
});

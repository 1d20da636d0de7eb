/** Broken input of every kind gets a clear diagnostic with a place, and nothing throws. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePaths } from '../engine/lint/lint';
import { MAX_YAML_BYTES, UsageError } from '../engine/model/workspace-loader';
import { lintFiles, PLACEMENT, tempWorkspace, where, WORKLOAD } from './helpers';
import { assertFinite, firstNonFinite, NonFiniteError } from '../engine/report/finite-check';

describe('bad input', () => {
  it('broken YAML: an unclosed flow mapping, with line and column', () => {
    const a = lintFiles({ 'a.yaml': 'apiVersion: headroom.dev/v1\nkind: Workload\nmetadata: { name: x\nspec: {}\n' });
    const d = a.diagnostics.filter((x) => x.rule === 'yaml-syntax');
    assert.ok(d.length >= 1);
    assert.equal(d[0].file, 'a.yaml');
    assert.equal(d[0].severity, 'error');
    assert.ok(d[0].range.start.line >= 3, where(d[0]));
  });
  it('broken YAML: a duplicate key', () => {
    const a = lintFiles({ 'a.yaml': WORKLOAD + '  capacityPerInstance: 20\n' });
    const d = a.diagnostics.filter((x) => x.rule === 'yaml-syntax');
    assert.equal(d.length, 1);
    assert.match(d[0].message, /unique/i);
    assert.equal(d[0].range.start.line, 9);
  });
  it('a document that is a list, not a mapping', () => {
    const a = lintFiles({ 'a.yaml': '- headroom.dev/v1\n- x\n' , 'b.yaml': 'apiVersion: headroom.dev/v1\n'});
    assert.ok(a.diagnostics.length >= 1);
  });
  it('tab indentation and stray text do not throw', () => {
    const texts = ['apiVersion: headroom.dev/v1\n\tkind: Site\n', 'apiVersion: headroom.dev/v1\nkind: [\n', ': : :\n', '\u0000\u0001 headroom.dev/', '--- headroom.dev/v1\n...\n---\n'];
    for (const t of texts) {
      const a = lintFiles({ 'a.yaml': t });
      for (const d of a.diagnostics) assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1);
    }
  });
  it('a YAML file larger than the limit is refused without reading it', () => {
    const dir = tempWorkspace({});
    const p = path.join(dir, 'big.yaml');
    const fd = fs.openSync(p, 'w');
    fs.writeSync(fd, 'apiVersion: headroom.dev/v1\n');
    fs.ftruncateSync(fd, MAX_YAML_BYTES + 1);
    fs.closeSync(fd);
    const a = analyzePaths([dir], { cwd: dir });
    assert.deepEqual(a.diagnostics.map((d) => `${d.rule} ${d.file}`), ['file-too-large big.yaml']);
  });
  it('a PATH that does not exist is a usage error', () => {
    assert.throws(() => analyzePaths(['/nonexistent/headroom']), UsageError);
  });
  it('folders skip YAML files that are not headroom documents', () => {
    const a = lintFiles({ '.github/workflows/ci.yaml': 'on: push\n', 'other.yaml': 'name: x\n', 'p.yaml': PLACEMENT });
    assert.deepEqual(a.files, ['p.yaml']);
  });
  it('trace files: empty, wrong header, bad timestamp, negative value, NaN', () => {
    const w = (name: string, trace: string) => WORKLOAD.replace('name: api', `name: ${name}`).replace('{ synthetic: { baseline: 100 } }', `{ trace: ${trace} }`).replace('  flavor: m1.small\n  instanceType: m6i.large\n', '');
    const a = lintFiles({
      'w1.yaml': w('w1', 'empty.csv'), 'empty.csv': '',
      'w2.yaml': w('w2', 'hdr.csv'), 'hdr.csv': 'time,val\n1,2\n',
      'w3.yaml': w('w3', 'ts.csv'), 'ts.csv': 'timestamp,value\nyesterday,3\n',
      'w4.yaml': w('w4', 'neg.csv'), 'neg.csv': 'timestamp,value\n1800000000,-1\n',
      'w5.yaml': w('w5', 'nan.csv'), 'nan.csv': 'timestamp,value\n1800000000,NaN\n',
      'w6.yaml': w('w6', 'cols.csv'), 'cols.csv': 'timestamp,value\n1800000000,1,2\n',
    });
    const got = a.diagnostics.filter((d) => d.rule === 'trace-malformed').map((d) => `${where(d)} ${d.message.replace(/ \(trace of.*/, '')}`);
    assert.deepEqual(got, [
      'cols.csv:2:1 expected 2 columns (timestamp,value), got 3',
      'empty.csv:1:1 file is empty; expected a "timestamp,value" header and rows',
      'hdr.csv:1:1 header must be "timestamp,value", got "time,val"',
      'nan.csv:2:12 value "NaN" is not a finite number',
      'neg.csv:2:12 value -1 is negative; traffic cannot be below 0',
      'ts.csv:2:1 "yesterday" is not an ISO 8601 time or epoch seconds between 1970 and 2200',
    ]);
  });
  it('a bad time zone name', () => {
    const a = lintFiles({ 'w.yaml': WORKLOAD.replace('{ synthetic: { baseline: 100 } }', '{ trace: t.csv, timezone: Mars/Olympus }'), 't.csv': 'timestamp,value\n2014-01-01 00:00:00,1\n' });
    assert.match(a.diagnostics.find((d) => d.rule === 'invalid-value')!.message, /timezone "Mars\/Olympus" is not an IANA time zone/);
  });
});

describe('loader fast path', () => {
  it('reads the same values as the yaml package for every fixture document', () => {
    const fs2 = require('fs') as typeof import('fs');
    const path2 = require('path') as typeof import('path');
    const YAML = require('yaml') as typeof import('yaml');
    const { parseTexts } = require('../engine/model/workspace-loader') as typeof import('../engine/model/workspace-loader');
    const { FIXTURES } = require('./helpers') as typeof import('./helpers');
    const files: string[] = [];
    const walk = (d: string) => fs2.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path2.join(d, e.name)) : e.name.endsWith('.yaml') && files.push(path2.join(d, e.name))));
    walk(FIXTURES);
    assert.ok(files.length >= 9);
    for (const f of files) {
      const text = fs2.readFileSync(f, 'utf8');
      const fast = parseTexts([{ file: f, absFile: f, text }]).documents.map((d) => d.value);
      const slow = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((v) => v !== null);
      assert.deepEqual(fast, slow, f);
    }
  });
  it('a billion-laughs document is refused with a diagnostic, not expanded', () => {
    const lol = 'apiVersion: headroom.dev/v1\nkind: Workload\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n';
    const a = lintFiles({ 'lol.yaml': lol });
    assert.deepEqual(a.diagnostics.map((d) => d.rule), ['yaml-syntax']);
    assert.match(a.diagnostics[0].message, /alias/i);
  });
  it('positions are still exact when the fast path read the values', () => {
    const a = lintFiles({ 'p.yaml': PLACEMENT.replace('60', '50') });
    const d = a.diagnostics.find((x) => x.rule === 'shares-sum')!;
    assert.equal(where(d), 'p.yaml:6:12');
  });
});

describe('syntax errors where they are', () => {
  it('an unclosed flow map is reported where the parser stopped, and where it opened (related information)', () => {
    const { lintFiles } = require('./helpers') as typeof import('./helpers');
    // line 3 opens `{` at column 11 and never closes it; the parser gives up at line 4, column 1
    const a = lintFiles({ 'p.yaml': 'apiVersion: headroom.dev/v1\nkind: Placement\nmetadata: { name: planted\nspec:\n  workloads: {}\n' });
    const d = a.diagnostics.find((x) => x.rule === 'yaml-syntax')!;
    assert.equal(`${d.range.start.line}:${d.range.start.column}`, '4:1');
    assert.match(d.message, /the \{ on line 3, column 11 is never closed/);
    assert.deepEqual(d.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column} ${r.message}`), ['p.yaml:3:11 the flow mapping that is not closed opens here']);
  });
});

describe('the last check of a report: every figure finite', () => {
  it('names the JSON path of the first non-finite figure, in arrays, typed arrays and nested objects, and the workload it belongs to', () => {
    assert.equal(firstNonFinite({ a: 1, workloads: [{ x: 1 }, { cost: Infinity }] }), 'workloads[1].cost');
    assert.equal(firstNonFinite({ a: { b: new Float64Array([1, NaN]) } }), 'a.b[1]');
    assert.equal(firstNonFinite({ x: [[1], [2, -Infinity]] }, 'root'), 'root.x[1][1]');
    assert.equal(firstNonFinite(NaN), '(value)');
    assert.equal(firstNonFinite({ ok: [1, 2, new Float64Array(3)], s: 'text', n: null }), undefined);
    assert.throws(() => assertFinite({ workloads: [{ name: 'api' }, { name: 'batch', cost: NaN } as { name: string }] }), (e: Error) => e instanceof NonFiniteError && /the result workloads\[1\]\.cost \(workload batch\) is not a finite number/.test(e.message));
  });
});

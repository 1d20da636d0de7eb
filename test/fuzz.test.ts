/**
 * Property-based fuzzing of the whole CLI (fast-check): the bundled fixture workspace, with its
 * scenario horizons shortened to a day so a case runs in tens of milliseconds, is mutated — a
 * scalar replaced by a wrong type, a float64 edge (1e308, 5e-324, -0, .nan, .inf), a control
 * character or a huge string; a key deleted; a document duplicated; a file re-encoded (UTF-16,
 * Latin-1) or truncated — and `simulate --json --out` runs on it. For every mutation: exit code
 * 0, 1 or 2; no exception and no stack trace; every error line located (file:line:col) or a
 * one-line `headroom:` message; no output file unless the exit is 0; and a report that passes
 * its own schema with only finite numbers.
 *
 * `npm test` runs HEADROOM_FUZZ_RUNS (default 150) cases; `npm run fuzz` runs 2,000.
 */
import { strict as assert } from 'assert';
import Ajv from 'ajv';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { Document, isMap, isScalar, isSeq, parseAllDocuments, Scalar } from 'yaml';
import { firstNonFinite } from '../engine/report/finite-check';
import { readSchema } from '../engine/model/schema-validation';
import { run } from './cli-lint.test';
import { FIXTURES, tempWorkspace } from './helpers';

const RUNS = Number(process.env.HEADROOM_FUZZ_RUNS ?? 150);
const SOURCE = path.join(FIXTURES, 'toss-hybrid');

/** The fixture's text files (YAML and CSV), horizons shortened to one day at one hour. */
function fixtureFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|csv)$/.test(e.name)) out[path.relative(SOURCE, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(SOURCE);
  for (const [k, v] of Object.entries(out)) {
    if (k.endsWith('.yaml')) out[k] = v.replace(/horizon: \{[^}]*\}/g, 'horizon: { start: "2027-01-01T00:00:00Z", end: "2027-01-02T00:00:00Z", step: 1h }').replace(/runs: \d+/g, 'runs: 2');
  }
  return out;
}

const FILES = fixtureFiles();
const YAML_FILES = Object.keys(FILES).filter((f) => f.endsWith('.yaml')).sort();

/** Every scalar of a YAML text as [document index, path]. */
function scalarPaths(text: string): [number, (string | number)[]][] {
  const out: [number, (string | number)[]][] = [];
  (parseAllDocuments(text) as Document[]).forEach((doc, d) => {
    const walk = (n: unknown, p: (string | number)[]) => {
      if (isMap(n)) for (const it of n.items) walk(it.value, [...p, isScalar(it.key) ? String(it.key.value) : '?']);
      else if (isSeq(n)) n.items.forEach((x, i) => walk(x, [...p, i]));
      else if (isScalar(n)) out.push([d, p]);
    };
    walk(doc.contents, []);
  });
  return out;
}

const EDGE_VALUES: unknown[] = [1e308, -1e308, 5e-324, -0, 0, -1, 1.5, 2 ** 53 + 1, Number.NaN, Infinity, -Infinity, '', 'abc', true, null, [], {}, '\u001b[2J\u001b]0;pwned\u0007', 'x'.repeat(5000), '2027-02-30T00:00:00Z', '1e400', '../../etc/passwd'];

type Mutation =
  | { kind: 'set'; file: number; at: number; value: number }
  | { kind: 'delete'; file: number; at: number }
  | { kind: 'scale'; file: number; at: number; factor: number }
  | { kind: 'duplicate'; file: number }
  | { kind: 'encode'; file: number; encoding: 'utf16le' | 'latin1' }
  | { kind: 'truncate'; file: number; fraction: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), file: fc.nat(), at: fc.nat(), value: fc.nat(EDGE_VALUES.length - 1) }),
  fc.record({ kind: fc.constant('delete' as const), file: fc.nat(), at: fc.nat() }),
  // valid but extreme: a number scaled by orders of magnitude (most runs of this kind simulate)
  fc.record({ kind: fc.constant('scale' as const), file: fc.nat(), at: fc.nat(), factor: fc.constantFrom(0, 1e-6, 0.5, 2, 1e3, 1e6, 1e9) }),
  fc.record({ kind: fc.constant('duplicate' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('encode' as const), file: fc.nat(), encoding: fc.constantFrom('utf16le' as const, 'latin1' as const) }),
  fc.record({ kind: fc.constant('truncate' as const), file: fc.nat(), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

/** Applies mutations to a copy of the fixture; returns the files (a Buffer where re-encoded). */
function mutate(ms: Mutation[]): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = { ...FILES };
  for (const m of ms) {
    const name = YAML_FILES[m.file % YAML_FILES.length];
    const text = files[name];
    if (typeof text !== 'string') continue;
    if (m.kind === 'encode') {
      files[name] = Buffer.concat([Buffer.from(m.encoding === 'utf16le' ? [0xff, 0xfe] : []), Buffer.from(text.replace(/"/g, '“'), m.encoding)]);
      continue;
    }
    if (m.kind === 'truncate') {
      files[name] = text.slice(0, Math.floor(text.length * m.fraction));
      continue;
    }
    if (m.kind === 'duplicate') {
      const docs = text.split(/^---$/m);
      files[name] = `${text}\n---\n${docs[docs.length - 1]}`;
      continue;
    }
    const paths = scalarPaths(text);
    if (!paths.length) continue;
    const [d, p] = paths[m.at % paths.length];
    const docs = parseAllDocuments(text) as Document[];
    const doc = docs[d];
    if (!doc) continue;
    if (m.kind === 'delete') doc.deleteIn(p);
    else if (m.kind === 'scale') {
      const v = doc.getIn(p);
      if (typeof v !== 'number') continue;
      doc.setIn(p, v * m.factor);
    } else {
      const v = EDGE_VALUES[m.value];
      doc.setIn(p, typeof v === 'number' && !Number.isFinite(v) ? Object.assign(new Scalar(v), { source: Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf' }) : v);
    }
    files[name] = docs.map((x) => x.toString()).join('---\n');
  }
  return files;
}

const LOCATED = /^[^\s:][^:]*:\d+:\d+: (error|warning|info): .+ \[[a-z0-9-]+\]$/;
const ONE_LINER = /^headroom: /;

describe('fuzz: mutated fixture workspaces through the CLI', function () {
  this.timeout(Math.max(60000, RUNS * 2000));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(readSchema('report.schema.json'));

  it(`${RUNS} mutations: exit 0/1/2, located errors, no stack traces, no output on failure, finite reports`, async () => {
    const codes = [0, 0, 0];
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const files = mutate(ms);
        const dir = tempWorkspace({});
        for (const [name, content] of Object.entries(files)) {
          fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
          fs.writeFileSync(path.join(dir, name), content);
        }
        const out = path.join(dir, 'report.json');
        const r = await run(['simulate', '.', '--json', '--out', 'report.json'], dir);
        assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}`);
        codes[r.code]++;
        const lines = (r.out + r.err).split('\n').filter((l) => l.trim() !== '');
        for (const l of lines) {
          assert.doesNotMatch(l, /^\s+at .+:\d+:\d+\)?$/, 'stack trace');
          if (/error/i.test(l) && !/^\d+ file\(s\)/.test(l)) assert.ok(LOCATED.test(l) || ONE_LINER.test(l), `unlocated: ${l}`);
        }
        if (r.code !== 0) {
          assert.ok(!fs.existsSync(out), 'output written on failure');
          return;
        }
        const report = JSON.parse(fs.readFileSync(out, 'utf8')) as unknown;
        assert.equal(firstNonFinite(report), undefined);
        assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 3)));
        assert.ok(!fs.readdirSync(dir).some((f) => f.endsWith('.tmp')), 'temporary file left');
      }),
      { numRuns: RUNS, seed: Number(process.env.HEADROOM_FUZZ_SEED ?? 20271126), endOnFailure: true },
    );
    // the mutations reach both sides: runs that simulate and report, and inputs that are refused
    assert.ok(codes[0] > 0 && codes[1] > 0, `exit codes 0/1/2: ${codes.join('/')}`);
    console.log(`      exit codes 0/1/2 over ${RUNS} cases: ${codes.join('/')}`);
  });
});
